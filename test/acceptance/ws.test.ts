// Drives examples/ws: the server factory with real ws clients, and `node examples/ws` as its README runs it.
import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
// @ts-ignore -- the example is plain JavaScript without declarations
import { createServer } from '../../examples/ws/index.js'
import { close, listen } from '../helpers/listen.js'
import { connect, refusal, wsUrl } from '../helpers/ws-client.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

describe('examples/ws', () => {
  let server: import('node:http').Server
  let base: string
  before(async () => {
    server = createServer().server
    base = await listen(server)
  })
  after(() => close(server))

  const live = () => wsUrl(base, '/live')

  it('serves the page that connects by cookie or by auth message', async () => {
    const res = await fetch(`${base}/`)
    expect(res.status).to.equal(200)
    const html = await res.text()
    expect(html).to.include("fetch(path, { method: 'POST' })").and.include("'Bearer ' + token").and.include('/live')
  })

  it('sets the demo cookie on /login; the page’s WebSocket is trusted by it at once', async () => {
    const login = await fetch(`${base}/login`, { method: 'POST' })
    const setCookie = login.headers.get('set-cookie')!
    expect(setCookie).to.match(/^hg_token=[\w-]+\.[\w-]+\.[\w-]+; Path=\/; HttpOnly; SameSite=Strict/)
    const client = await connect(live(), { headers: { cookie: setCookie.split(';')[0]!, origin: base } })
    expect(JSON.parse(await client.next())[0]).to.deep.include({ typ: 'sys', act: 'aut', res: 'suc' })
    client.send('hello')
    expect(await client.next()).to.equal('johndoe said: hello')
    await client.close()
  })

  it('refuses the cookie from another origin with 403', async () => {
    const login = await fetch(`${base}/login`, { method: 'POST' })
    const answer = await refusal(live(), { headers: { cookie: login.headers.get('set-cookie')!.split(';')[0]!, origin: 'https://evil.example' } })
    expect(answer.status).to.equal(403)
  })

  it('quarantines a bare connection until the auth message from /token', async () => {
    const { token } = (await (await fetch(`${base}/token`, { method: 'POST' })).json()) as { token: string }
    const client = await connect(live())
    client.send('hello')
    client.send('Bearer not.a.token')
    expect(JSON.parse(await client.next())[0]).to.include({ res: 'err' })
    client.send(`Bearer ${token}`)
    expect(JSON.parse(await client.next())[0].dat).to.include({ sub: 'johndoe', tnd: 'tenant-1' })
    client.send('again')
    expect(await client.next()).to.equal('johndoe said: again')
    await client.close()
  })

  it('runs as `node examples/ws` and accepts the printed token', async function () {
    this.timeout(20_000)
    const child = spawn(process.execPath, ['examples/ws'], { cwd: ROOT, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] })
    const exited = new Promise((resolve) => child.once('exit', resolve))
    try {
      const { url, token } = await new Promise<{ url: string; token: string }>((resolve, reject) => {
        let output = ''
        child.once('exit', (code) => reject(new Error(`examples/ws exited with ${code}`)))
        child.stdout!.on('data', (chunk: Buffer) => {
          output += chunk.toString()
          const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
          const token = /TOKEN=(\S+)\n/.exec(output)?.[1]
          if (url !== undefined && token !== undefined) resolve({ url, token })
        })
      })
      const client = await connect(wsUrl(url, '/live'), { headers: { authorization: `Bearer ${token}` } })
      expect(JSON.parse(await client.next())[0].res).to.equal('suc')
      await client.close()
    } finally {
      child.kill()
      await exited
    }
  })
})
