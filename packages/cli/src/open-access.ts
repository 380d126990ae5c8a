import { mkdirSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import {
  AccessError, createAccessRegistry, createRedisStore, createSqliteStore, type AccessEvent, type AccessRegistry, type AccessStore,
} from '@hivegate/access'
import type { AccessConfig } from './config/access-schema.js'
import type { LoadedConfig } from './config/load-config.js'
import { exposedSecretWarning } from './file-mode.js'
import { CliError } from './io.js'

/** A registry and the store under it, closed together. */
export interface OpenAccess {
  readonly registry: AccessRegistry
  readonly store: AccessStore
  close(): Promise<void>
}

/** How a command opens the registry. */
export interface OpenAccessOptions {
  env: Readonly<Record<string, string | undefined>>
  /** Set up an empty Redis store (only `hivegate access init` does). */
  create?: boolean
  /** For a command: read the store once first and fail at once when it is down, rather than wait for it. */
  once?: boolean
  onEvent?: (event: AccessEvent) => void
  /** Problems that do not stop the command (a key file other users can read). */
  warn?: (text: string) => void
}

/** The store the `access.store` key names. */
export function accessStore(config: AccessConfig, create = false): AccessStore {
  if (config.store.kind === 'redis') return createRedisStore(config.store.url, { create })
  if (create) mkdirSync(dirname(config.store.path), { recursive: true, mode: 0o700 })
  return createSqliteStore(config.store.path)
}

/** Reads the operator key from its file or environment variable; the error names the key, never the value. */
export function readOperatorKey(loaded: LoadedConfig<{ access?: AccessConfig } | AccessConfig>, config: AccessConfig, options: OpenAccessOptions): string {
  const source = config.operatorKey
  if ('env' in source) {
    const value = options.env[source.env]
    if (value === undefined || value === '') throw loaded.errorAt(['access', 'operatorKey', 'env'], `environment variable ${source.env} is not set (hivegate access init prints a key)`)
    return value
  }
  const file = resolve(loaded.baseDir, source.file)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error'
    throw loaded.errorAt(['access', 'operatorKey', 'file'], `cannot read ${source.file} (${code}${code === 'ENOENT' ? '; hivegate access init creates it' : ''})`)
  }
  const warning = exposedSecretWarning(file, source.file)
  if (warning !== undefined) options.warn?.(`access.operatorKey.file: ${warning}`)
  return text.trim()
}

/**
 * Opens the registry the `access:` block describes. A wrong key, an unreadable or empty store
 * becomes a CliError that says what to do, and nothing is left open.
 */
export async function openAccess(loaded: LoadedConfig<{ access?: AccessConfig } | AccessConfig>, config: AccessConfig, options: OpenAccessOptions): Promise<OpenAccess> {
  const operatorKey = readOperatorKey(loaded, config, options)
  const store = accessStore(config, options.create)
  // A command reports the first read's outcome rather than wait out a store that is down.
  let firstRead: (event: AccessEvent) => void = () => {}
  const firstOutcome = new Promise<AccessEvent>((resolve) => (firstRead = resolve))
  const onEvent = (event: AccessEvent): void => {
    if (event.type === 'access_refreshed' || event.type === 'access_refresh_failed') firstRead(event)
    options.onEvent?.(event)
  }
  let registry: AccessRegistry
  try {
    registry = await createAccessRegistry({
      store, operatorKey, issuer: config.issuer, startup: options.once === true ? 'fail-closed' : config.startup, onEvent,
      ...(config.audience !== undefined && { audience: config.audience }),
    })
  } catch (err) {
    await store.close().catch(() => {})
    if (err instanceof RangeError || err instanceof TypeError) throw loaded.errorAt(['access', 'operatorKey'], err.message.replace(/^"operatorKey" /, ''))
    if (err instanceof AccessError) throw new CliError(accessProblem(err))
    throw err
  }
  if (options.once === true) {
    let outcome: AccessEvent
    try {
      // refresh() rejects only for a wrong operator key; a fault arrives as an event.
      outcome = await Promise.race([firstOutcome, registry.refresh().then(() => firstOutcome)])
    } catch (err) {
      outcome = { type: 'access_refresh_failed', reason: err instanceof AccessError ? accessProblem(err) : String(err) }
    }
    if (outcome.type === 'access_refresh_failed') {
      // The store first: a read still waiting on it then fails at once, and the registry closes.
      await store.close().catch(() => {})
      await registry.close()
      throw new CliError(outcome.reason)
    }
  }
  return {
    registry,
    store,
    async close() {
      await registry.close()
      await store.close()
    },
  }
}

/** A message for a refused access operation, with what to do about the usual ones. */
export function accessProblem(err: AccessError): string {
  if (err.code === 'store_empty') return `${err.message} (run "hivegate access init" to set up a new store)`
  if (err.code === 'operator_key_mismatch') return `${err.message}: the store was set up with another operator key`
  return err.message
}
