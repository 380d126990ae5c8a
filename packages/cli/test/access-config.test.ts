import { expect } from 'chai'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '@hivegate/cli'

const BASE = `upstream: { target: http://127.0.0.1:4000 }
auth:
  issuer: [cfg-test, other]
  audience: api
`

describe('hivegate.yml access block', () => {
  let dir: string
  before(() => (dir = mkdtempSync(join(tmpdir(), 'hivegate-access-cfg-'))))
  after(() => rmSync(dir, { recursive: true, force: true }))

  function load(block: string, env: Record<string, string> = {}): ReturnType<typeof loadConfig> {
    const file = join(dir, `c${Math.random().toString(36).slice(2)}.yml`)
    writeFileSync(file, `${BASE}access:\n${block}`)
    return loadConfig(file, env)
  }
  const problem = (block: string, env?: Record<string, string>): string => {
    try {
      load(block, env)
    } catch (err) {
      return (err as Error).message
    }
    throw new Error('the config was accepted')
  }

  it('defaults: a SQLite file beside the config, wait, the admin page and health paths, the first issuer', () => {
    const { config } = load('  operatorKey: { env: HG_OP }\n')
    expect(config.access).to.deep.equal({
      store: { kind: 'sqlite', path: join(dir, 'hivegate-access.db') }, operatorKey: { env: 'HG_OP' },
      admin: { path: '/hivegate/access', realm: 'hivegate' }, startup: 'wait', health: '/hivegate/health', issuer: 'cfg-test', audience: 'api',
    })
    // The registry's keys take the place of auth secrets.
    expect(config.gateway.auth.keys).to.deep.equal({})
  })

  it('takes a Redis URL, fail-closed start-up, other paths, no admin page, another accepted issuer', () => {
    const { config } = load(`  store: redis://127.0.0.1:6380/2
  operatorKey: { file: keys/operator.key }
  startup: fail-closed
  admin: false
  health: /healthz
  issuer: other
`)
    expect(config.access).to.deep.include({ store: { kind: 'redis', url: 'redis://127.0.0.1:6380/2' }, operatorKey: { file: 'keys/operator.key' }, startup: 'fail-closed', admin: false, health: '/healthz', issuer: 'other' })
  })

  it('takes a Redis URL with a password only from the environment', () => {
    expect(problem('  store: redis://:pw@127.0.0.1:6379/0\n  operatorKey: { env: HG_OP }\n')).to.match(/:\d+:\d+: access\.store: must not hold credentials; give the whole URL as \{ env: <NAME> \}/)
    expect(problem('  store: redis://:pw@127.0.0.1:6379/0\n  operatorKey: { env: HG_OP }\n')).not.to.include('pw')
    const { config } = load('  store: { env: HG_STORE }\n  operatorKey: { env: HG_OP }\n', { HG_STORE: 'redis://:pw@127.0.0.1:6379/0' })
    expect(config.access!.store).to.deep.equal({ kind: 'redis', url: 'redis://:pw@127.0.0.1:6379/0' })
    expect(problem('  store: { env: HG_STORE }\n  operatorKey: { env: HG_OP }\n')).to.match(/access\.store\.env: environment variable HG_STORE is not set/)
  })

  it('names the option at fault', () => {
    const cases: Array<[string, RegExp]> = [
      ['  store: /x.db\n', /access: needs "operatorKey"/],
      ['  operatorKey: AAAA\n', /access\.operatorKey: must be \{ file: <path> \} or \{ env: <NAME> \}; the key is never written inline/],
      ['  operatorKey: { file: a, env: B }\n', /access\.operatorKey: must have exactly one of "file" and "env"/],
      ['  operatorKey: { env: HG_OP }\n  startup: later\n', /access\.startup: must be "wait" or "fail-closed"/],
      ['  operatorKey: { env: HG_OP }\n  store: http://x/\n', /access\.store: must be a SQLite file path or a redis:\/\/ or rediss:\/\/ URL/],
      ['  operatorKey: { env: HG_OP }\n  store: redis://127.0.0.1:6379/x\n', /access\.store: must end in a database number/],
      ['  operatorKey: { env: HG_OP }\n  admin: { path: "no-slash" }\n', /access\.admin\.path: must be a path/],
      ['  operatorKey: { env: HG_OP }\n  admin: { realm: "a b" }\n', /access\.admin\.realm: must be 1 to 100 characters without spaces/],
      ['  operatorKey: { env: HG_OP }\n  issuer: stranger\n', /access\.issuer: must be one of auth\.issuer/],
      ['  operatorKey: { env: HG_OP }\n  colour: blue\n', /access\.colour: is not a known key/],
    ]
    for (const [block, message] of cases) expect(problem(block)).to.match(message)
  })
})
