import { createHmac, randomBytes } from 'node:crypto'
import type { Clock } from '../clock.js'

/** Server nonces (RFC 9449 §9): the current one to hand out, and a check of a received one. */
export interface NonceSource {
  current(): string
  accepts(nonce: string): boolean
}

/**
 * Stateless rotating nonces: HMAC(secret, period number), base64url. A nonce is issued during one
 * period and accepted during that one and the next, so a client has at least one full period to
 * use it; processes sharing the secret (and a clock) share the nonces.
 */
export function createNonceSource(secret: Uint8Array | undefined, rotation: number, clock: Clock): NonceSource {
  const key = secret ?? randomBytes(32)
  const period = rotation * 1000
  let cachedPeriod = Number.NaN
  let cachedCurrent = ''
  let cachedPrevious = ''

  const nonceOf = (n: number): string => createHmac('sha256', key).update(String(n)).digest('base64url')

  // Two HMACs per period, not per request.
  function refresh(): void {
    const n = Math.floor(clock.now() / period)
    if (n === cachedPeriod) return
    cachedPrevious = n === cachedPeriod + 1 ? cachedCurrent : nonceOf(n - 1)
    cachedCurrent = nonceOf(n)
    cachedPeriod = n
  }

  return {
    current() {
      refresh()
      return cachedCurrent
    },
    // Nonces are public (the server sends them), so a plain comparison leaks nothing.
    accepts(nonce: string) {
      refresh()
      return nonce === cachedCurrent || nonce === cachedPrevious
    },
  }
}
