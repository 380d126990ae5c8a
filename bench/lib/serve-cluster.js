// Three `hivegate serve` processes on one Redis access registry, for the access part: a revocation
// made through A's admin API is timed until B's and C's WebSockets with that token close.
import { spawn, spawnSync } from 'node:child_process'
import { createServer } from 'node:http'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { WebSocket, WebSocketServer } from 'ws'

const BIN = fileURLToPath(new URL('../../packages/cli/bin/hivegate.js', import.meta.url))
const ENV = { ...process.env, HG_BENCH_OPERATOR_KEY: 'A'.repeat(43) }

function cli(config, ...args) {
  const r = spawnSync(process.execPath, [BIN, ...args, '--config', config, '--json'], { env: ENV, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`hivegate ${args.join(' ')}: ${r.stderr}`)
  return JSON.parse(r.stdout)
}

function serve(config) {
  const child = spawn(process.execPath, [BIN, 'serve', '--config', config, '--port', '0'], { env: ENV, stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (c) => {
      out += c
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (found) resolve({ url: found[1], stop: () => new Promise((done) => (child.once('exit', done), child.kill('SIGTERM'))) })
    })
    child.once('exit', (code) => reject(new Error(`hivegate serve exited with ${code}`)))
  })
}

/** Opens a WebSocket with `token`; resolves once the gateway trusts it, with a promise of its close time. */
function trusted(url, token, now) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/live`, { headers: { Authorization: `Bearer ${token}` } })
  const closed = new Promise((resolve) => ws.once('close', () => resolve(now())))
  return new Promise((resolve, reject) => {
    ws.once('message', () => resolve({ closed }))
    ws.once('error', reject)
  })
}

/** `samples` revocations on A; the delays until B and C close the token's WebSocket, in ms. */
export async function servePropagation(redisUrl, samples, now) {
  const dir = mkdtempSync(join(tmpdir(), 'hivegate-bench-serve-'))
  const upstream = createServer((req, res) => res.end('ok'))
  new WebSocketServer({ server: upstream })
  await new Promise((resolve) => upstream.listen(0, '127.0.0.1', resolve))
  const config = join(dir, 'hivegate.yml')
  writeFileSync(config, `upstream: { target: "http://127.0.0.1:${upstream.address().port}" }
auth: { issuer: platform.example }
access:
  store: ${redisUrl.replace(/\/0$/, '/1')}
  operatorKey: { env: HG_BENCH_OPERATOR_KEY }
`)
  cli(config, 'access', 'init')
  const admin = cli(config, 'access', 'token', 'create', '--name', 'bench-admin', '--per', '{"hivegate":{"access/*":"CRUD"}}').value
  const [a, b, c] = await Promise.all([serve(config), serve(config), serve(config)])
  const api = async (path, body) => {
    const res = await fetch(`${a.url}/hivegate/access/api/${path}`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
    if (!res.ok) throw new Error(`admin API ${path}: ${res.status}`)
    return res.json()
  }
  const delays = []
  try {
    for (let i = 0; i < samples; i++) {
      const { token, value } = await api('tokens', { name: `serve-${i}` })
      // B and C learn of a new token through Redis too: retry the upgrade until it is trusted.
      const open = async (g) => {
        for (;;) {
          try {
            return await trusted(g.url, value, now)
          } catch {
            await new Promise((resolve) => setImmediate(resolve))
          }
        }
      }
      const sockets = [await open(b), await open(c)]
      const start = now()
      await api(`tokens/${token.id}/revoke`, {})
      for (const at of await Promise.all(sockets.map((s) => s.closed))) delays.push(at - start)
    }
  } finally {
    await Promise.all([a, b, c].map((g) => g.stop()))
    await new Promise((resolve) => upstream.close(resolve))
    rmSync(dir, { recursive: true, force: true })
  }
  return delays
}
