import { expect } from 'chai'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import request from 'supertest'
import { startEchoUpstream, type EchoUpstream } from '../../../test/helpers/gateway-kit.js'
import { mint } from '../../../test/helpers/tokens.js'
import { BIN, runCli } from './run-cli.js'

const SECRET = 'serve-test-secret-that-is-long-enough-0123456789'

describe('hivegate serve (spawned)', function () {
  this.timeout(20_000)
  let dir: string
  let upstream: EchoUpstream
  let child: ChildProcess | undefined

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hivegate-serve-'))
    upstream = await startEchoUpstream()
  })
  after(async () => {
    rmSync(dir, { recursive: true, force: true })
    await upstream.close()
  })
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve))
      child.kill('SIGKILL')
      await exited
    }
    child = undefined
  })

  function config(extra = ''): string {
    const file = join(dir, `g${Math.random().toString(36).slice(2)}.yml`)
    writeFileSync(file, `listen: { host: 127.0.0.1, port: 0 }
upstream: { target: "${upstream.url}" }
auth:
  issuer: platform.test
  audience: hivegate-test
  secrets:
    kid-1: { env: HG_SERVE_SECRET }
routes:
  - path: /open/*
    public: true
${extra}`)
    return file
  }

  it('serves a config: authorised and refused requests, then stops on SIGTERM with exit 0', async () => {
    child = spawn(process.execPath, [BIN, 'serve', '--config', config()], { env: { ...process.env, HG_SERVE_SECRET: SECRET }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    const url = await new Promise<string>((resolve, reject) => {
      child!.stdout!.on('data', (c: Buffer) => {
        out += c
        const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
        if (found) resolve(found[1]!)
      })
      child!.once('exit', (code) => reject(new Error(`serve exited with ${code}`)))
    })
    const token = await mint({ key: Buffer.from(SECRET) })
    const ok = await request(url).get('/things').set('Authorization', `Bearer ${token}`).expect(200)
    expect(ok.body.headers['x-hivegate-sub']).to.equal('johndoe')
    await request(url).get('/things').expect(401)
    await request(url).get('/open/x').expect(200)
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)))
    child.kill('SIGTERM')
    expect(await exited).to.equal(0)
    expect(out).to.match(/stopped/)
    expect(out).not.to.include(SECRET)
  })

  it('stops with exit 1 and names the key and line of a bad config', async () => {
    const r = await runCli(['serve', '--config', config('  - path: /x\n    permission: nope\n')], { env: { HG_SERVE_SECRET: SECRET } })
    expect(r.code).to.equal(1)
    expect(r.stderr).to.match(/\.yml:12:\d+: routes\[1\]\.permission: must be a list of strings/)
  })

  it('says clearly when the port is in use', async () => {
    const busy = await startEchoUpstream()
    try {
      const port = new URL(busy.url).port
      const r = await runCli(['serve', '--config', config(), '--port', port], { env: { HG_SERVE_SECRET: SECRET } })
      expect(r.code).to.equal(1)
      expect(r.stderr).to.match(/already in use/)
    } finally {
      await busy.close()
    }
  })

  it('is a usage error without --config, and a clear error for a missing file', async () => {
    expect((await runCli(['serve'])).code).to.equal(2)
    const missing = await runCli(['serve', '--config', join(dir, 'nope.yml')])
    expect(missing.code).to.equal(1)
    expect(missing.stderr).to.match(/cannot read config .*ENOENT/)
  })
})
