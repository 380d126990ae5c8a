import { expect } from 'chai'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '@hivegate/cli'
import { runCli } from './run-cli.js'

const BASE = `upstream: { target: http://127.0.0.1:4000 }
auth:
  issuer: cfg-test
  secrets: { k1: { env: HG_SECRET } }
`
const NONCE = 'n'.repeat(40)
const ENV = { HG_SECRET: 's'.repeat(40), HG_NONCE: NONCE }

describe('hivegate.yml auth.dpop', () => {
  let dir: string
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hivegate-dpop-cfg-'))
    writeFileSync(join(dir, 'nonce.secret'), `${NONCE}\n`, { mode: 0o600 })
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  function write(auth: string, rest = ''): string {
    const file = join(dir, `c${Math.random().toString(36).slice(2)}.yml`)
    writeFileSync(file, `${BASE}${auth}${rest}`)
    return file
  }
  const load = (auth: string, rest = '', env: Record<string, string> = ENV) => loadConfig(write(auth, rest), env)
  const problem = (auth: string, rest = '', env: Record<string, string> = ENV): string => {
    try {
      load(auth, rest, env)
    } catch (err) {
      return (err as Error).message
    }
    throw new Error('the config was accepted')
  }

  it('reads every key: mode, algorithms, durations, bounds, a nonce secret from the environment', () => {
    const { dpop } = load(`  dpop:
    mode: required
    algorithms: [ES256, EdDSA]
    maxProofAge: 2m
    clockTolerance: 10
    maxProofLength: 2048
    maxReplayEntries: 5000
    nonce: { secret: { env: HG_NONCE }, rotation: 10m }
`).config.gateway.auth
    expect(dpop).to.deep.equal({
      mode: 'required', algorithms: ['ES256', 'EdDSA'], maxProofAge: 120, clockTolerance: 10, maxProofLength: 2048, maxReplayEntries: 5000,
      nonce: { secret: NONCE, rotation: 600 },
    })
  })

  it('reads a nonce secret from a file (trailing newline dropped), nonce: true and false, and leaves DPoP off without the key', () => {
    expect(load('  dpop: { mode: allowed, nonce: { secret: { file: nonce.secret } } }\n').config.gateway.auth.dpop?.nonce).to.deep.equal({ secret: NONCE })
    expect(load('  dpop: { mode: allowed, nonce: true }\n').config.gateway.auth.dpop?.nonce).to.equal(true)
    expect(load('  dpop: { mode: off, nonce: false }\n').config.gateway.auth.dpop).to.deep.equal({ mode: 'off', nonce: false })
    expect(load('').config.gateway.auth).not.to.have.property('dpop')
  })

  it('requestUrl: htu is the public URL (and its path prefix) plus the request target', () => {
    const { requestUrl } = load('  dpop: { mode: required, requestUrl: "https://api.example/gw/" }\n').config.gateway.auth.dpop!
    expect(requestUrl!({ headers: { host: '127.0.0.1:8080' }, url: '/things?page=2' })).to.equal('https://api.example/gw/things?page=2')
    expect(requestUrl!({ headers: {}, url: 'http://127.0.0.1:8080/things' })).to.equal('https://api.example/gw/things')
    expect(requestUrl!({ headers: {} })).to.equal('https://api.example/gw/')
  })

  it('names the key and its line for each problem', () => {
    expect(problem('  dpop: { mod: required }\n')).to.match(/:5:\d+: auth\.dpop\.mod: is not a known key/)
    expect(problem('  dpop: { algorithms: [ES256] }\n')).to.match(/:5:\d+: auth\.dpop: needs "mode": off, allowed, required/)
    expect(problem('  dpop: { mode: sometimes }\n')).to.match(/:5:\d+: auth\.dpop\.mode: must be one of off, allowed, required/)
    expect(problem('  dpop: required\n')).to.match(/:5:\d+: auth\.dpop: must be a mapping/)
    expect(problem('  dpop:\n    mode: required\n    algorithms: [ES256, HS256]\n')).to.match(/:7:\d+: auth\.dpop\.algorithms\[1\]: must be one of RS256, .*EdDSA/)
    expect(problem('  dpop: { mode: required, algorithms: [] }\n')).to.match(/auth\.dpop\.algorithms: must list at least one algorithm/)
    expect(problem('  dpop: { mode: required, maxProofAge: 0 }\n')).to.match(/auth\.dpop\.maxProofAge: must be from 1s to 24h/)
    expect(problem('  dpop: { mode: required, maxProofAge: 2d }\n')).to.match(/auth\.dpop\.maxProofAge: must be from 1s to 24h/)
    expect(problem('  dpop: { mode: required, clockTolerance: soon }\n')).to.match(/auth\.dpop\.clockTolerance: must be a duration/)
    expect(problem('  dpop: { mode: required, maxProofLength: 0 }\n')).to.match(/auth\.dpop\.maxProofLength: must be a positive integer/)
    expect(problem('  dpop: { mode: required, nonce: { rotation: 0 } }\n')).to.match(/auth\.dpop\.nonce\.rotation: must be more than 0/)
    expect(problem('  dpop: { mode: required, nonce: { salt: x } }\n')).to.match(/auth\.dpop\.nonce\.salt: is not a known key/)
    for (const url of ['ftp://api.example', 'https://api.example/?a=1', 'https://u:p@api.example', 'api.example']) {
      expect(problem(`  dpop: { mode: required, requestUrl: "${url}" }\n`)).to.match(/:5:\d+: auth\.dpop\.requestUrl: must be /)
    }
  })

  it('refuses an inline nonce secret, a short one and a missing variable, never echoing a value', () => {
    const inline = problem(`  dpop: { mode: required, nonce: { secret: ${NONCE} } }\n`)
    expect(inline).to.match(/:5:\d+: auth\.dpop\.nonce\.secret: .*never written inline/)
    expect(inline).not.to.include(NONCE)
    const short = problem('  dpop: { mode: required, nonce: { secret: { env: HG_NONCE } } }\n', '', { ...ENV, HG_NONCE: 'short-nonce-secret' })
    expect(short).to.match(/auth\.dpop\.nonce\.secret: must be at least 32 bytes$/)
    expect(short).not.to.include('short-nonce-secret')
    expect(problem('  dpop: { mode: required, nonce: { secret: { env: HG_NONCE } } }\n', '', { HG_SECRET: ENV.HG_SECRET }))
      .to.match(/auth\.dpop\.nonce\.secret\.env: environment variable HG_NONCE is not set/)
  })

  it('with access.store on Redis, refuses the in-memory bounds (the counters live in Redis); with SQLite keeps them', () => {
    const redis = 'access: { store: "redis://127.0.0.1:6379/0", operatorKey: { env: HG_OP } }\n'
    const sqlite = 'access: { store: access.db, operatorKey: { env: HG_OP } }\n'
    const replay = '  dpop: { mode: required, maxReplayEntries: 10 }\n'
    const counters = '  throttle: { maxFailures: 3, maxKeys: 10 }\n'
    expect(problem(replay, redis)).to.match(/:5:\d+: auth\.dpop\.maxReplayEntries: bounds the in-memory replay store only/)
    expect(problem(counters, redis)).to.match(/:5:\d+: auth\.throttle\.maxKeys: bounds the in-memory counters only/)
    expect(load(replay, sqlite).config.gateway.auth.dpop?.maxReplayEntries).to.equal(10)
    expect(load(counters, sqlite).config.gateway.auth.throttle).to.deep.include({ maxKeys: 10 })
    expect(load('  dpop: { mode: required }\n  throttle: { maxFailures: 3 }\n', redis).config.access?.store).to.deep.equal({ kind: 'redis', url: 'redis://127.0.0.1:6379/0' })
  })

  it('warns, without stopping, when gateways sharing Redis make their own nonces', () => {
    const redis = 'access: { store: "redis://127.0.0.1:6379/0", operatorKey: { env: HG_OP } }\n'
    const own = load('  dpop: { mode: required, nonce: true }\n', redis)
    expect(own.warnings).to.have.length(1)
    expect(own.warnings[0]).to.match(/auth\.dpop\.nonce: warning: without a secret each gateway makes its own nonces/)
    expect(load('  dpop: { mode: required, nonce: { secret: { env: HG_NONCE } } }\n', redis).warnings).to.deep.equal([])
    expect(load('  dpop: { mode: required, nonce: true }\n').warnings).to.deep.equal([])
  })

  it('hivegate serve stops with exit code 1 and the key, line and column on stderr', async () => {
    const r = await runCli(['serve', '--config', write('  dpop: { mode: required, maxProofAge: soon }\n'), '--port', '0'], { env: ENV })
    expect(r.code).to.equal(1)
    expect(r.stderr).to.match(/^hivegate: .*\.yml:5:\d+: auth\.dpop\.maxProofAge: must be a duration/)
    expect(r.stdout).to.equal('')
  })
})
