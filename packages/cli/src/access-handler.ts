import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AccessAdmin, AccessRegistry } from '@hivegate/access'

/** What the gateway answers itself: the health endpoint and the access admin API and page. */
export interface AccessHandlerParts {
  registry: AccessRegistry
  /** Path of the health endpoint, or false. */
  health: string | false
  /** Set once the gateway (and so its verifier) exists. */
  admin: () => AccessAdmin | undefined
}

function pathOf(url: string | undefined): string {
  const end = url?.search(/[?#]/) ?? -1
  return url === undefined ? '/' : end === -1 ? url : url.slice(0, end)
}

/**
 * The gateway's `localHandler`: `GET <health>` answers 200 or 503 with the registry's health (no
 * credentials needed, so no error text: it may name hosts), the admin surfaces answer under their
 * path, and everything else goes on to the proxy.
 */
export function accessLocalHandler(parts: AccessHandlerParts): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  return (req, res, next) => {
    if (parts.health !== false && pathOf(req.url) === parts.health) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json', 'cache-control': 'no-store' }).end('{"error":"method_not_allowed"}')
        return
      }
      const { ok, loaded, version, storeConnected } = parts.registry.health()
      const body = JSON.stringify({ ok, access: { ok, loaded, version, storeConnected } })
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      res.end(req.method === 'HEAD' ? undefined : body)
      return
    }
    const admin = parts.admin()
    if (admin === undefined) return next()
    admin.handle(req, res, () => next())
  }
}
