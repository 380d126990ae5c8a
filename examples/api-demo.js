// What the Express, Koa and Fastify API examples share: the demo token, and the curl lines they print.
import { realpathSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createSigner } from '@hivegate/core'

/** Demo settings. The secret is public: set HIVEGATE_SECRET (32+ bytes) for anything real. */
export const DEMO = Object.freeze({
  issuer: 'hivegate-demo',
  audience: 'hivegate-demo-api',
  kid: 'demo-1',
  secret: 'demo-secret-for-local-testing-only-0123456789',
  realm: 'hivegate-demo',
})

/** A token for the demo user: reads riders, updates one ride, provides data for it. */
export function demoToken(secret = DEMO.secret) {
  const signer = createSigner({ kid: DEMO.kid, secret, issuer: DEMO.issuer, audience: DEMO.audience, ttl: '1h' })
  return signer.sign({
    sub: 'johndoe',
    tnd: 'tenant-1',
    per: { london: { 'deliveryRiders/*': 'R', 'deliveryRides/johndoe-123': 'RU' } },
    dpv: { london: ['deliveryRides/johndoe-123'] },
  })
}

/** True when the module at `moduleUrl` was run as `node <its folder>` or `node <folder>/index.js`. */
export function isMain(moduleUrl) {
  if (!process.argv[1]) return false
  const self = fileURLToPath(moduleUrl)
  try {
    const entry = realpathSync(process.argv[1])
    return entry === self || entry === dirname(self)
  } catch {
    return false
  }
}

/** Prints the demo token and a curl line for each thing the example API answers. */
export function printUsage(framework, base, token) {
  console.log(`hivegate ${framework} example on ${base}

A token for johndoe, valid for an hour:
  TOKEN=${token}

As a cookie:
  curl --cookie "hg_token=$TOKEN" ${base}/api/me
As a Bearer header:
  curl -H "Authorization: Bearer $TOKEN" ${base}/api/realms/london/deliveryRiders/bob
Update a ride it may update (same-origin rules apply to cookies, not to Bearer):
  curl -X PUT -H "Authorization: Bearer $TOKEN" ${base}/api/realms/london/deliveryRides/johndoe-123
Refused, 403 insufficient_permission (no grant on someone else's ride):
  curl -i -X PUT -H "Authorization: Bearer $TOKEN" ${base}/api/realms/london/deliveryRides/other-456
Refused, 403 origin_not_allowed (cross-site POST carried by the cookie):
  curl -i -X POST --cookie "hg_token=$TOKEN" -H "Origin: https://evil.example" ${base}/api/providers/london/deliveryRides/johndoe-123
Refused, 401 credentials_required:
  curl -i ${base}/api/me`)
}
