import { createGateway, type Gateway } from '@hivegate/proxy'
import type { LoadedConfig } from './config/load-config.js'
import { CliError } from './io.js'

/** Overrides of the config file's listen address and upstream (command line, environment). */
export interface GatewayOverrides {
  host?: string
  port?: number
  target?: string
}

/** A gateway that is listening. */
export interface RunningGateway {
  readonly gateway: Gateway
  readonly url: URL
}

/**
 * Builds the gateway from a loaded config and listens. A bad option becomes an error naming its
 * key and line; a busy port a clear error; neither leaves anything running.
 *
 * @example
 * ```ts
 * const { url, gateway } = await startGateway(loadConfig('hivegate.yml', process.env), { port: 0 })
 * await gateway.close()
 * ```
 */
export async function startGateway(loaded: LoadedConfig, overrides: GatewayOverrides = {}): Promise<RunningGateway> {
  const options = { ...loaded.config.gateway, ...(overrides.target !== undefined && { target: overrides.target }) }
  let gateway: Gateway
  try {
    gateway = createGateway(options)
  } catch (err) {
    if (err instanceof TypeError || err instanceof RangeError) throw loaded.errorFromOption(err)
    throw err
  }
  const host = overrides.host ?? loaded.config.listen.host
  const port = overrides.port ?? loaded.config.listen.port
  try {
    return { gateway, url: await gateway.listen(port, host) }
  } catch (err) {
    await gateway.close()
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE') throw new CliError(`cannot listen on ${host}:${port}: the port is already in use (choose another with listen.port, --port or PORT)`)
    if (code === 'EACCES') throw new CliError(`cannot listen on ${host}:${port}: permission denied (use a port above 1023)`)
    throw new CliError(`cannot listen on ${host}:${port} (${code ?? 'error'})`)
  }
}
