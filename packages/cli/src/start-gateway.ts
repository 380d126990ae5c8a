import { createAccessAdmin, type AccessAdmin, type AccessEvent, type AccessRegistry } from '@hivegate/access'
import { createGateway, type Gateway } from '@hivegate/proxy'
import { accessLocalHandler } from './access-handler.js'
import type { LoadedConfig } from './config/load-config.js'
import type { ConfiguredGateway } from './config/schema.js'
import { CliError } from './io.js'
import { openAccess, type OpenAccess } from './open-access.js'
import { withSharedStores, type SharedStores } from './shared-stores.js'

/** Overrides of the config file's listen address and upstream (command line, environment). */
export interface GatewayOverrides {
  host?: string
  port?: number
  target?: string
  /** Environment the access block's operator key may come from. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>
  /** Registry events (never a secret), e.g. to log that the store is unreachable. */
  onAccessEvent?: (event: AccessEvent) => void
  /** Problems that do not stop the gateway (a key file other users can read). */
  warn?: (text: string) => void
}

/** A gateway that is listening. */
export interface RunningGateway {
  readonly gateway: Gateway
  readonly url: URL
  /** The access registry, when the config has an `access:` block. */
  readonly access: AccessRegistry | undefined
  /** Closes the gateway, then the registry and its store (and the shared throttle and DPoP stores on Redis). */
  close(): Promise<void>
}

// The gateway's verifier reads the registry: its secrets beside the configured keys, its revocations.
function withRegistry(options: ConfiguredGateway, registry: AccessRegistry): ConfiguredGateway {
  const { auth } = options
  return {
    ...options,
    auth: { ...auth, keys: { ...auth.keys, ...registry.keys }, revocations: registry.revocations, isRevoked: registry.isRevoked },
  }
}

/**
 * Builds the gateway from a loaded config and listens. With an `access:` block it first opens the
 * registry (the gateway verifies its static tokens, answers its admin page and health endpoint, and
 * closes the connections it is asked to close). A bad option becomes an error naming its key and
 * line; a busy port a clear error; neither leaves anything running.
 *
 * @example
 * ```ts
 * const running = await startGateway(loadConfig('hivegate.yml', process.env), { port: 0 })
 * await running.close()
 * ```
 */
export async function startGateway(loaded: LoadedConfig, overrides: GatewayOverrides = {}): Promise<RunningGateway> {
  let options: ConfiguredGateway = { ...loaded.config.gateway, ...(overrides.target !== undefined && { target: overrides.target }) }
  const accessConfig = loaded.config.access
  let access: OpenAccess | undefined
  let admin: AccessAdmin | undefined
  if (accessConfig !== undefined) {
    access = await openAccess(loaded, accessConfig, {
      env: overrides.env ?? process.env,
      ...(overrides.onAccessEvent !== undefined && { onEvent: overrides.onAccessEvent }),
      ...(overrides.warn !== undefined && { warn: overrides.warn }),
    })
    options = withRegistry(options, access.registry)
    options.localHandler = accessLocalHandler({ registry: access.registry, health: accessConfig.health, admin: () => admin })
  }
  let shared: SharedStores | undefined
  if (accessConfig?.store.kind === 'redis') {
    shared = withSharedStores(options.auth, accessConfig.store.url)
    options = { ...options, auth: shared.auth }
  }
  const closeStores = async (): Promise<void> => {
    await shared?.close()
    await access?.close()
  }
  let gateway: Gateway
  try {
    gateway = createGateway(options)
    if (access !== undefined && accessConfig?.admin) {
      admin = createAccessAdmin({
        registry: access.registry, verifier: gateway.proxy.authenticator.verifier, path: accessConfig.admin.path, realm: accessConfig.admin.realm,
        ...(options.auth.cookieName !== undefined && { loginCookie: options.auth.cookieName }),
        ...(options.auth.allowedOrigins !== undefined && { allowedOrigins: options.auth.allowedOrigins }),
      })
    }
  } catch (err) {
    await closeStores()
    if (err instanceof TypeError || err instanceof RangeError) throw loaded.errorFromOption(err)
    throw err
  }
  const unsubscribe = access?.registry.onCloseConnections(({ sub, tnd, jti }) => {
    gateway.proxy.ws?.closeWhere({ ...(sub !== undefined && { subject: sub }), ...(tnd !== undefined && { tenant: tnd }), ...(jti !== undefined && { jti }) })
  })
  const close = async (): Promise<void> => {
    unsubscribe?.()
    await gateway.close()
    await closeStores()
  }
  const host = overrides.host ?? loaded.config.listen.host
  const port = overrides.port ?? loaded.config.listen.port
  try {
    return { gateway, url: await gateway.listen(port, host), access: access?.registry, close }
  } catch (err) {
    await close()
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE') throw new CliError(`cannot listen on ${host}:${port}: the port is already in use (choose another with listen.port, --port or PORT)`)
    if (code === 'EACCES') throw new CliError(`cannot listen on ${host}:${port}: permission denied (use a port above 1023)`)
    throw new CliError(`cannot listen on ${host}:${port} (${code ?? 'error'})`)
  }
}
