import type { RequestView } from '../request-view.js'

/**
 * The client's address, as Express computes `req.ip` with `trust proxy` set to a hop count:
 * the socket's peer, then the `X-Forwarded-For` entries from the right; the first of them that
 * is not a trusted proxy (the entry `trustedHops` from the right, or the leftmost when there are
 * fewer) is the client. `trustedHops` 0 reads the socket only: any client can write the header.
 *
 * @example
 * ```ts
 * // peer 10.0.0.2 (our load balancer), X-Forwarded-For: 198.51.100.1, 203.0.113.9
 * clientAddress(view, 1) // '203.0.113.9': the address the load balancer saw
 * ```
 */
export function clientAddress(view: RequestView, trustedHops: number): string | undefined {
  const peer = view.remoteAddress
  if (trustedHops === 0) return peer
  const header = view.headers['x-forwarded-for']
  if (header === undefined) return peer
  const hops = (Array.isArray(header) ? header.join(',') : header).split(',')
  let address = peer
  let counted = 0
  for (let i = hops.length - 1; i >= 0 && counted < trustedHops; i--) {
    const hop = hops[i]!.trim()
    if (hop === '') continue
    address = hop
    counted++
  }
  return address
}
