import type { AccessRegistry } from '../registry.js'
import type { AdminCaller, AdminObject, Callers } from './caller.js'
import type { Fields } from './body.js'

type Action = 'C' | 'R' | 'U' | 'D'

/** Each admin operation once, with the permission it needs; the JSON API and the page both call these. */
export function createOperations(registry: AccessRegistry, callers: Callers) {
  const allowed = (caller: AdminCaller, object: AdminObject, action: Action): void => callers.require(caller, object, action)
  return {
    listSecrets(caller: AdminCaller) {
      allowed(caller, 'secrets', 'R')
      return registry.listSecrets()
    },
    createSecret(caller: AdminCaller, fields: Fields) {
      allowed(caller, 'secrets', 'C')
      return registry.createSecret(fields, caller.actor)
    },
    rotateSecret(caller: AdminCaller, fields: Fields) {
      allowed(caller, 'secrets', 'U')
      return registry.rotateSecret(fields, caller.actor)
    },
    retireSecret(caller: AdminCaller, kid: string) {
      allowed(caller, 'secrets', 'U')
      return registry.retireSecret(kid, caller.actor)
    },
    listTokens(caller: AdminCaller) {
      allowed(caller, 'tokens', 'R')
      return registry.listTokens()
    },
    getToken(caller: AdminCaller, id: string) {
      allowed(caller, 'tokens', 'R')
      return registry.getToken(id)
    },
    createToken(caller: AdminCaller, fields: Fields) {
      allowed(caller, 'tokens', 'C')
      return registry.createToken(fields, caller.actor)
    },
    revokeToken(caller: AdminCaller, id: string) {
      allowed(caller, 'tokens', 'D')
      return registry.revokeToken(id, caller.actor)
    },
    closeConnections(caller: AdminCaller, fields: Fields) {
      allowed(caller, 'connections', 'D')
      return registry.closeConnections(fields, caller.actor)
    },
    readAudit(caller: AdminCaller, query: { limit?: number; before?: number }) {
      allowed(caller, 'audit', 'R')
      return registry.readAudit(query)
    },
  }
}

export type Operations = ReturnType<typeof createOperations>
