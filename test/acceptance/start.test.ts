// The root `npm start` itself: node examples/gateway/start.js, as package.json runs it.
import { expect } from 'chai'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import request from 'supertest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

describe('npm start', function () {
  this.timeout(60_000)
  let child: ChildProcess | undefined
  // The registry the demo keeps across runs: here a directory of this test's own.
  const data = mkdtempSync(join(tmpdir(), 'hivegate-start-'))
  after(() => rmSync(data, { recursive: true, force: true }))

  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve))
      child.kill('SIGKILL')
      await exited
    }
  })

  it('prints a token and commands, serves one authorised and one refused request, and stops on Ctrl-C', async () => {
    child = spawn(process.execPath, ['examples/gateway/start.js'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', HIVEGATE_DEMO_DATA: data },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stderr!.on('data', (c: Buffer) => (err += c))
    await new Promise<void>((resolve, reject) => {
      child!.stdout!.on('data', (c: Buffer) => {
        out += c
        if (out.includes('Press Ctrl-C to stop.')) resolve()
      })
      child!.once('exit', (code) => reject(new Error(`start.js exited with ${code}: ${err}`)))
    })
    const base = /ready: gateway (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!
    const token = /Demo token[^\n]*\n(\S+)\n/.exec(out)![1]!
    expect(out).to.include(`curl -s ${base}/api/hello -H "Authorization: Bearer ${token}"`)
    expect(out).to.include(`Access admin page: ${base}/hivegate/access/`)
    const admin = /Sign in with this admin token[^\n]*\n(\S+)\n/.exec(out)![1]!
    await request(base).get('/hivegate/access/api/tokens').set('Authorization', `Bearer ${admin}`).expect(200)

    const ok = await request(base).get('/api/hello').set('Authorization', `Bearer ${token}`).expect(200)
    expect(ok.body.identity.sub).to.equal('demo-user')
    const refused = await request(base).get('/api/hello').expect(401)
    expect(refused.body.error).to.equal('credentials_required')

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)))
    child.kill('SIGINT')
    expect(await exited).to.equal(0)
    expect(out).to.include('hivegate demo stopped')
  })

  it('says clearly when the port is busy', async () => {
    const blocker = spawn(process.execPath, ['examples/gateway/start.js'], { cwd: ROOT, env: { ...process.env, PORT: '0', HIVEGATE_DEMO_DATA: data }, stdio: ['ignore', 'pipe', 'pipe'] })
    child = blocker
    let out = ''
    await new Promise<void>((resolve) => blocker.stdout!.on('data', (c: Buffer) => ((out += c), out.includes('Press Ctrl-C') && resolve())))
    const port = /ready: gateway http:\/\/127\.0\.0\.1:(\d+)/.exec(out)![1]!
    const second = spawn(process.execPath, ['examples/gateway/start.js'], { cwd: ROOT, env: { ...process.env, PORT: port, HIVEGATE_DEMO_DATA: data }, stdio: ['ignore', 'pipe', 'pipe'] })
    let err = ''
    second.stderr!.on('data', (c: Buffer) => (err += c))
    const code = await new Promise<number | null>((resolve) => second.once('exit', (c) => resolve(c)))
    expect(code).to.equal(1)
    expect(err).to.match(/already in use/)
  })
})
