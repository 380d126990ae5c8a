// Drives examples/gateway through its factory: every printed command is checked as printed.
import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import request from 'supertest'
import { demoCommands, startDemo, type RunningDemo } from '@hivegate/example-gateway'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

interface Curl {
  url: string
  headers: Record<string, string>
  showHeaders: boolean
}

// Reads the printed curl command back: URL, -H headers, --cookie, -i.
function parseCurl(command: string): Curl {
  const words = [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!)
  expect(words[0]).to.equal('curl')
  const parsed: Curl = { url: '', headers: {}, showHeaders: false }
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!
    if (w === '-H') {
      const [name, ...rest] = words[++i]!.split(':')
      parsed.headers[name!] = rest.join(':').trim()
    } else if (w === '--cookie') parsed.headers.Cookie = words[++i]!
    else if (w === '-i') parsed.showHeaders = true
    else if (w !== '-s') parsed.url = w
  }
  return parsed
}

// The printed line exactly as a user pastes it: through the shell, from a directory outside the repository.
function runNode(command: string, cwd: string): Promise<{ code: number | null; stdout: string }> {
  expect(command).to.match(/^node -e "/)
  const child = spawn(command, { cwd, shell: true, env: { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` }, stdio: ['ignore', 'pipe', 'inherit'] })
  let stdout = ''
  child.stdout.on('data', (c: Buffer) => (stdout += c))
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout })))
}

describe('examples/gateway (npm start)', function () {
  this.timeout(15_000)
  let demo: RunningDemo
  let commands: Array<[string, string]>
  let dataDir: string

  before(async () => {
    dataDir = mkdtempSync(`${tmpdir()}/hivegate-demo-data-`)
    demo = await startDemo({ port: 0, env: {}, dataDir })
    commands = demoCommands(demo)
  })
  after(async () => {
    await demo.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('runs an access registry: the printed admin token opens the admin API, a static token made there passes, revoked it is refused', async () => {
    expect(demo.adminUrl).to.equal(`${demo.url}/hivegate/access/`)
    const made = await request(demo.url).post('/hivegate/access/api/tokens').set('Authorization', `Bearer ${demo.adminToken}`)
      .set('Content-Type', 'application/json').send({ name: 'demo-static', sub: 'svc', tnd: 'demo-tenant' }).expect(201)
    const token: string = made.body.value
    expect(token).to.be.a('string')
    await request(demo.url).get('/api/hello').set('Authorization', `Bearer ${token}`).expect(200)
    const id: string = made.body.token.id
    await request(demo.url).post(`/hivegate/access/api/tokens/${id}/revoke`).set('Authorization', `Bearer ${demo.adminToken}`).set('Content-Type', 'application/json').send('{}').expect(200)
    const refused = await request(demo.url).get('/api/hello').set('Authorization', `Bearer ${token}`).expect(401)
    expect(refused.body.error).to.equal('token_revoked')
    // The demo's data stays out of the repository.
    expect(demo.dataDir).to.equal(dataDir)
  })

  function curl(index: number) {
    const { url, headers } = parseCurl(commands[index]![1])
    const target = new URL(url)
    let req = request(target.origin).get(target.pathname)
    for (const [name, value] of Object.entries(headers)) req = req.set(name, value)
    return req
  }

  it('prints commands for Bearer, cookie, refused (401, 403), public, and both WebSocket paths', () => {
    expect(commands.map(([what]) => what)).to.have.length(7)
    expect(commands[0]![1]).to.include(`Bearer ${demo.token}`)
    expect(commands[1]![1]).to.include(`--cookie "hg_token=${demo.token}"`)
  })

  it('the Bearer curl reaches the upstream with the identity, and without the token', async () => {
    const res = await curl(0).expect(200)
    expect(res.body.identity).to.deep.include({ sub: 'demo-user', tenant: 'demo-tenant' })
    expect(res.body.credentialsSeen).to.deep.equal({ authorization: false, cookie: null })
  })

  it('the cookie curl is authorised on the realm route', async () => {
    const res = await curl(1).expect(200)
    expect(res.body.url).to.equal('/realms/london/riders')
  })

  it('the refused curls get 401 and 403', async () => {
    expect((await curl(2)).status).to.equal(401)
    expect((await curl(3)).status).to.equal(403)
    expect((await curl(4)).status).to.equal(200)
  })

  it('both WebSocket one-liners authenticate and get the upstream echo, from the repository and from elsewhere', async () => {
    const elsewhere = mkdtempSync(`${tmpdir()}/hivegate-demo-`)
    for (const [index, cwd] of [[5, ROOT], [6, ROOT], [5, elsewhere], [6, elsewhere]] as const) {
      const { code, stdout } = await runNode(commands[index]![1], cwd)
      expect(code).to.equal(0)
      const lines = stdout.trim().split('\n')
      expect(JSON.parse(lines[0]!)[0]).to.include({ act: 'aut', res: 'suc' })
      expect(lines[1]).to.equal('echo to demo-user: hello')
      expect(lines[2]).to.match(/^closed 1000/)
    }
    rmSync(elsewhere, { recursive: true })
  })
})
