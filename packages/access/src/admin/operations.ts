import type { AccessRegistry } from '../registry.js'
import type { AdminCaller, AdminObject, Callers } from './caller.js'
import type { Fields } from './body.js'

/**
 * Each admin operation once, with the permission (`access/<object>`, action) it needs; the JSON
 * API and the page both call these.
 */
export function createOperations(registry: AccessRegistry, callers: Callers) {
  const guard = <A extends unknown[], R>(object: AdminObject, action: 'C' | 'R' | 'U' | 'D', run: (caller: AdminCaller, ...args: A) => R) =>
    (caller: AdminCaller, ...args: A): R => {
      callers.require(caller.context, object, action)
      return run(caller, ...args)
    }
  return {
    listSecrets: guard('secrets', 'R', () => registry.listSecrets()),
    createSecret: guard('secrets', 'C', (caller, fields: Fields) => registry.createSecret(fields, caller.actor)),
    rotateSecret: guard('secrets', 'U', (caller, fields: Fields) => registry.rotateSecret(fields, caller.actor)),
    retireSecret: guard('secrets', 'U', (caller, kid: string) => registry.retireSecret(kid, caller.actor)),
    listTokens: guard('tokens', 'R', () => registry.listTokens()),
    getToken: guard('tokens', 'R', (_caller, id: string) => registry.getToken(id)),
    createToken: guard('tokens', 'C', (caller, fields: Fields) => registry.createToken(fields, caller.actor)),
    revokeToken: guard('tokens', 'D', (caller, id: string) => registry.revokeToken(id, caller.actor)),
    closeConnections: guard('connections', 'D', (caller, fields: Fields) => registry.closeConnections(fields, caller.actor)),
    readAudit: guard('audit', 'R', (_caller, query: { limit?: number; before?: number }) => registry.readAudit(query)),
  }
}

export type Operations = ReturnType<typeof createOperations>
