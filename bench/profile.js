// Profiles hivegate's hot paths for `node --cpu-prof`, then prints where the time went.
//   node bench/profile.js verify <HS256|RS256|ES256|EdDSA> <sync|async> <cache|nocache> [seconds]
//   node bench/profile.js http <express-hg|express-hg-cache|koa-hg|koa-hg-cache|fastify-hg|fastify-hg-cache|…> <HS256|RS256> [seconds]
// Profiles land in bench/profiles/ (git-ignored); the summary lists self time by function.
import { mkdirSync, readdirSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { spawnSync } from 'node:child_process'
import { exportKey, makeKey, signToken } from './lib/fixtures.js'
import { startChild } from './lib/children.js'
import { detectPinning, pinSelf } from './lib/pinning.js'
import { headerPool } from './lib/pipeline.js'
import { summarize } from './tools/profile-summary.js'

const DIR = fileURLToPath(new URL('profiles/', import.meta.url))
const SELF = fileURLToPath(import.meta.url)
const [what, ...rest] = process.argv.slice(2)

function newest() {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.cpuprofile'))
  files.sort((a, b) => statSync(DIR + b).mtimeMs - statSync(DIR + a).mtimeMs)
  return DIR + files[0]
}

async function loop([alg, api, cache, seconds = '4']) {
  const { createVerifier } = await import('@hivegate/core')
  const { verifierOptions, REVOKED_JTI } = await import('./lib/hivegate.js')
  const key = makeKey(alg)
  const token = signToken(key)
  const verifier = createVerifier(verifierOptions(key, cache === 'cache' ? {} : { cache: false }))
  verifier.revocations.revoke(REVOKED_JTI)
  // Fresh token strings, as the verify part and a server use them (see lib/pipeline.js).
  const pool = headerPool(token)
  const end = Date.now() + Number(seconds) * 1000
  let n = 0
  while (Date.now() < end) {
    for (let i = 0; i < 1024; i++) {
      const fresh = pool[i].slice(7)
      api === 'sync' ? verifier.verifySync(fresh, 'bearer') : await verifier.verify(fresh, 'bearer')
    }
    n += 1024
  }
  console.log(`${n} verifications`)
}

async function http([kind, alg, seconds = '5']) {
  const key = makeKey(alg)
  // Pinned as the http part is: the server on one core, autocannon (this process) on the other.
  const pinning = detectPinning()
  if (pinning.on) pinSelf(pinning.clientCpu)
  else console.log(`unpinned (${pinning.note})`)
  const server = startChild(fileURLToPath(new URL('servers/http-server.js', import.meta.url)), ['--cpu-prof', `--cpu-prof-dir=${DIR}`], { cpu: pinning.on ? pinning.serverCpu : undefined })
  const { port } = await server.request({ cmd: 'start', kind, key: exportKey(key) })
  const { default: autocannon } = await import('autocannon')
  const result = await autocannon({ url: `http://127.0.0.1:${port}/`, connections: 50, duration: Number(seconds), headers: { authorization: `Bearer ${signToken(key)}` } })
  console.log(`${result.requests.total} requests, ${result.non2xx} non-2xx`)
  await server.stop()
}

mkdirSync(DIR, { recursive: true })
if (what === 'verify-loop') await loop(rest)
else if (what === 'verify') {
  spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${DIR}`, SELF, 'verify-loop', ...rest], { stdio: 'inherit' })
  summarize(newest())
} else if (what === 'http') {
  await http(rest)
  summarize(newest())
} else {
  console.error('usage: node bench/profile.js verify <alg> <sync|async> <cache|nocache> [s] | http <kind> <alg> [s]')
  process.exitCode = 2
}
