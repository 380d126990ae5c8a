import type { Gateway } from '@hivegate/proxy'

export declare const CONFIG_FILE: string
export declare const DEFAULT_PORT: number
export declare const DEMO_CLAIMS: Readonly<Record<string, unknown>>

export interface RunningDemo {
  /** `http://127.0.0.1:PORT` of the gateway. */
  url: string
  upstreamUrl: string
  /** A demo token for this run. */
  token: string
  cookieName: string
  gateway: Gateway
  close(): Promise<void>
}

export declare function startDemo(options?: { port?: number; env?: Record<string, string | undefined> }): Promise<RunningDemo>
/** `[description, command]` pairs, exactly as `npm start` prints them. */
export declare function demoCommands(demo: { url: string; token: string; cookieName: string }): Array<[string, string]>
