import { expect } from 'chai'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CONFIG_CAPS, loadConfig, startGateway } from '@hivegate/cli'

const BASE = {
  listen: { host: '127.0.0.1', port: 0 },
  upstream: { target: 'http://127.0.0.1:4000' },
  auth: { issuer: 'caps-test', secrets: { k1: { env: 'HG_CAPS_SECRET' } }, throttle: {}, dpop: { mode: 'allowed', nonce: {} } },
  limits: {},
}
const env = { HG_CAPS_SECRET: 's'.repeat(40) }

// The config with `value` at every capped key (JSON is YAML).
function withEvery(value: (cap: number) => number, only?: string): unknown {
  const doc = structuredClone(BASE) as Record<string, Record<string, unknown>>
  for (const [key, cap] of Object.entries(CONFIG_CAPS)) {
    if (only !== undefined && key !== only) continue
    const path = key.split('.')
    let node: Record<string, unknown> = doc
    for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>
    node[path.at(-1)!] = value(cap)
  }
  return doc
}

describe('hivegate.yml caps on attacker-facing bounds', () => {
  let dir: string
  let n = 0
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hivegate-caps-'))
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  function write(doc: unknown): string {
    const file = join(dir, `c${n++}.yml`)
    writeFileSync(file, JSON.stringify(doc, null, 2))
    return file
  }

  for (const [key, cap] of Object.entries(CONFIG_CAPS)) {
    it(`refuses ${key} above ${cap}, naming the key and its line`, () => {
      expect(() => loadConfig(write(withEvery((c) => c + 1, key)), env)).to.throw(new RegExp(`:\\d+:\\d+: ${key.replace(/\./g, '\\.')}: must be`))
    })
  }

  it('refuses a huge number the way it refuses one just past the cap', () => {
    expect(() => loadConfig(write(withEvery(() => 1e15, 'limits.maxQuarantined')), env)).to.throw(/limits\.maxQuarantined: must be a positive integer up to 1000000/)
  })

  it('loads the defaults, and every key at its cap builds a gateway', async () => {
    expect(loadConfig(write(BASE), env).config.gateway.auth.issuer).to.equal('caps-test')
    const loaded = loadConfig(write(withEvery((c) => c)), env)
    expect(loaded.config.gateway.auth.maxTokenLength).to.equal(CONFIG_CAPS['auth.maxTokenLength'])
    expect(loaded.config.gateway.websocket?.quarantine).to.deep.include({ maxQuarantined: CONFIG_CAPS['limits.maxQuarantined'] })
    const running = await startGateway(loaded)
    await running.close()
  })
})
