import type { AccessRegistry } from '@hivegate/access'
import type { Gateway } from '@hivegate/proxy'

export declare const CONFIG_FILE: string
export declare const DEFAULT_PORT: number
export declare const DEMO_CLAIMS: Readonly<Record<string, unknown>>
export declare const ADMIN_CLAIMS: Readonly<Record<string, unknown>>
export declare const DEFAULT_DATA_DIR: string

export interface RunningDemo {
  /** `http://127.0.0.1:PORT` of the gateway. */
  url: string
  upstreamUrl: string
  /** A demo token for this run. */
  token: string
  /** A token for the access admin page (valid 1 hour, signed by the demo secret). */
  adminToken: string
  /** The access admin page. */
  adminUrl: string
  /** Where the registry (SQLite file and operator key) is kept. */
  dataDir: string
  cookieName: string
  gateway: Gateway
  access: AccessRegistry
  close(): Promise<void>
}

export declare function startDemo(options?: { port?: number; env?: Record<string, string | undefined>; dataDir?: string }): Promise<RunningDemo>
/** `[description, command]` pairs, exactly as `npm start` prints them. */
export declare function demoCommands(demo: { url: string; token: string; cookieName: string }): Array<[string, string]>
