import { expect } from 'chai'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig, startGateway } from '@hivegate/cli'

const GOOD = `listen:
  host: 127.0.0.1
  port: 0
upstream:
  target: http://127.0.0.1:4000
  timeout: 5s
auth:
  issuer: cfg-test
  cookieName: session
  secrets:
    k1: { env: HG_CFG_SECRET }
    k2: { file: k2.secret }
routes:
  - path: /realms/:realm/*
    permission: [":realm", "*", R]
limits:
  maxHeaderSize: 8192
  quarantineTimeout: 5s
`

describe('loadConfig', () => {
  let dir: string
  const env = { HG_CFG_SECRET: 's'.repeat(40) }
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hivegate-cfg-'))
    writeFileSync(join(dir, 'k2.secret'), `${'t'.repeat(40)}\n`)
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  function write(text: string): string {
    const file = join(dir, `c${Math.random().toString(36).slice(2)}.yml`)
    writeFileSync(file, text)
    return file
  }

  function problem(text: string, environment: Record<string, string> = env): string {
    try {
      loadConfig(write(text), environment)
    } catch (err) {
      return (err as Error).message
    }
    throw new Error('expected the config to be refused')
  }

  it('reads a good config: secrets from env and files (relative to the config), durations, routes, limits', () => {
    const { config } = loadConfig(write(GOOD), env)
    expect(config.listen).to.deep.equal({ host: '127.0.0.1', port: 0 })
    expect(config.gateway.timeout).to.equal(5000)
    expect(config.gateway.auth.cookieName).to.equal('session')
    expect(config.gateway.auth.keys?.secrets).to.deep.equal({ k1: 's'.repeat(40), k2: 't'.repeat(40) })
    expect(config.gateway.routes).to.deep.equal([{ path: '/realms/:realm/*', permission: [':realm', '*', 'R'] }])
    expect(config.gateway.limits).to.deep.equal({ maxHeaderSize: 8192 })
    expect(config.gateway.websocket).to.deep.include({ quarantine: { quarantineTimeout: 5000 } })
  })

  it('names the key and its line for a wrong type', () => {
    expect(problem(GOOD.replace('timeout: 5s', 'timeout: soon'))).to.match(/:6:\d+: upstream\.timeout: must be a duration/)
  })

  it('names an unknown key (a typo) and its line', () => {
    expect(problem(GOOD.replace('cookieName: session', 'cookiName: session'))).to.match(/:9:\d+: auth\.cookiName: is not a known key/)
  })

  it('refuses an inline secret', () => {
    expect(problem(GOOD.replace('k1: { env: HG_CFG_SECRET }', 'k1: hunter2-hunter2-hunter2-hunter2-x'))).to.match(/:11:\d+: auth\.secrets\.k1: .*never written inline/)
  })

  it('names a missing environment variable and an unreadable secret file, never a value', () => {
    expect(problem(GOOD, {})).to.match(/auth\.secrets\.k1\.env: environment variable HG_CFG_SECRET is not set/)
    expect(problem(GOOD.replace('k2.secret', 'missing.secret'))).to.match(/:12:\d+: auth\.secrets\.k2\.file: cannot read missing\.secret \(ENOENT\)/)
  })

  it('names a bad route rule inside the list', () => {
    expect(problem(GOOD.replace('[":realm", "*", R]', '[":realm", "*"]'))).to.match(/:15:\d+: routes\[0\]\.permission: must be a list of 3 strings/)
  })

  it('reads a route step-up requirement (acrValues, maxAge as a duration)', () => {
    const text = GOOD.replace('    permission: [":realm", "*", R]\n', '    permission: [":realm", "*", R]\n    authentication: { acrValues: [urn:example:mfa], maxAge: 10m }\n')
    const { config } = loadConfig(write(text), env)
    expect(config.gateway.routes?.[0]?.authentication).to.deep.equal({ acrValues: ['urn:example:mfa'], maxAge: 600 })
    expect(problem(text.replace('maxAge: 10m', 'maxAg: 10m'))).to.match(/routes\[0\]\.authentication\.maxAg: is not a known key/)
  })

  it('reads auth.throttle (durations, a trustProxy hop count) and names a bad key', () => {
    const text = GOOD.replace('  cookieName: session\n', '  cookieName: session\n  throttle: { maxFailures: 5, window: 5m, trustProxy: 1 }\n')
    expect(loadConfig(write(text), env).config.gateway.auth.throttle).to.deep.equal({ maxFailures: 5, window: 300, trustProxy: 1 })
    expect(problem(text.replace('trustProxy: 1', 'trustProxy: -1'))).to.match(/auth\.throttle\.trustProxy: must be true, false or a number/)
    expect(problem(text.replace('maxFailures: 5', 'maxFailure: 5'))).to.match(/auth\.throttle\.maxFailure: is not a known key/)
  })

  it('reports YAML syntax errors with their line', () => {
    expect(problem('upstream:\n  target: [unclosed\n')).to.match(/:\d+:\d+: invalid YAML/)
  })

  it('requires upstream and auth', () => {
    expect(problem('listen: { port: 1 }\n')).to.match(/\(top level\): needs "upstream"/)
    expect(problem('upstream: { target: "http://x" }\n')).to.match(/needs "auth"/)
  })

  it('maps an error found when the gateway is built back to the key and line', async () => {
    const loaded = loadConfig(write(GOOD.replace('path: /realms/:realm/*', 'path: /realms/*')), env)
    const err = await startGateway(loaded).then(
      () => undefined,
      (e: Error) => e,
    )
    expect(err?.message).to.match(/:15:\d+: routes\[0\]\.permission: .*:realm/)
  })

  it('refuses an alias bomb with a clear error instead of expanding it', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]']
    for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array(10).fill(i === 1 ? '*a' : `*l${i - 1}`).join(', ')}]`)
    const message = problem(`${levels.join('\n')}\n`)
    expect(message).to.match(/too many YAML aliases/)
    expect(message).not.to.match(/unexpected|\n\s+at /)
  })

  it('warns, without stopping, when a secret file is readable by other users', () => {
    const secretFile = join(dir, 'k2.secret')
    chmodSync(secretFile, 0o644)
    const exposed = loadConfig(write(GOOD), env)
    expect(exposed.warnings).to.have.length(1)
    expect(exposed.warnings[0]).to.match(/auth\.secrets\.k2\.file: warning: .*k2\.secret .*readable by other users \(mode 0644\); run: chmod 600 /)
    expect(exposed.warnings[0]).not.to.include('t'.repeat(40))
    chmodSync(secretFile, 0o600)
    expect(loadConfig(write(GOOD), env).warnings).to.deep.equal([])
  })

  it('maps a key error from the gateway ("keys.secrets.<kid>") back to auth.secrets and its line', async () => {
    const err = await startGateway(loadConfig(write(GOOD), { HG_CFG_SECRET: 'short' })).then(
      () => undefined,
      (e: Error) => e,
    )
    expect(err?.message).to.match(/:11:\d+: auth\.secrets\.k1: must be at least 32 bytes$/)
    expect(err?.message).not.to.include('short')
  })

  it('reads upstreamAuthCookie and refuses anything but strip or pass', () => {
    expect(loadConfig(write(`${GOOD}upstreamAuthCookie: pass\n`), env).config.gateway.upstreamAuthCookie).to.equal('pass')
    expect(problem(`${GOOD}upstreamAuthCookie: yes\n`)).to.match(/:\d+:\d+: upstreamAuthCookie: must be "strip" or "pass"/)
  })
})
