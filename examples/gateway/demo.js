// The `npm start` demo as a factory: a demo upstream, the gateway from hivegate.yml, a demo token.
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateOperatorKey } from '@hivegate/access'
import { loadConfig, startGateway } from '@hivegate/cli'
import { createSigner } from '@hivegate/core'
import { startDemoUpstream } from './demo-upstream.js'

export const CONFIG_FILE = fileURLToPath(new URL('./hivegate.yml', import.meta.url))
/** Where the demo keeps its access registry unless HIVEGATE_DEMO_DATA names another directory. */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('./.data', import.meta.url))
export const ADMIN_CLAIMS = Object.freeze({ sub: 'demo-admin', tnd: 'demo-tenant', per: { hivegate: { 'access/*': 'CRUD' } } })
export const DEFAULT_PORT = 8080
export const DEMO_CLAIMS = Object.freeze({
  sub: 'demo-user',
  tnd: 'demo-tenant',
  per: { london: { '*': 'R' } },
  dpv: { london: ['deliveryRides/demo-1'] },
})

// The registry's file and operator key live in `dataDir`; the key is made on first run (mode 0600).
function withDataDir(loaded, dataDir) {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const keyFile = join(dataDir, 'operator.key')
  try {
    writeFileSync(keyFile, `${generateOperatorKey()}\n`, { mode: 0o600, flag: 'wx' })
  } catch (err) {
    if (err.code !== 'EEXIST') throw err
  }
  const access = { ...loaded.config.access, store: { kind: 'sqlite', path: join(dataDir, 'access.db') }, operatorKey: { file: keyFile } }
  return { ...loaded, config: { ...loaded.config, access } }
}

/**
 * Starts the demo on 127.0.0.1: `port` for the gateway (0 picks one), a free port for the upstream.
 * The HMAC secret is HIVEGATE_DEMO_SECRET from `env` or, by default, a fresh random one for this run.
 * The access registry (static tokens, revocations) is a SQLite file in `dataDir`, kept across runs.
 */
export async function startDemo({ port = DEFAULT_PORT, env = process.env, dataDir = env.HIVEGATE_DEMO_DATA || DEFAULT_DATA_DIR } = {}) {
  const secret = env.HIVEGATE_DEMO_SECRET || randomBytes(32).toString('base64url')
  const loaded = withDataDir(loadConfig(CONFIG_FILE, { ...env, HIVEGATE_DEMO_SECRET: secret }), resolve(dataDir))
  const upstream = await startDemoUpstream(0)
  let running
  try {
    running = await startGateway(loaded, { port, target: upstream.url, env })
  } catch (err) {
    await upstream.close()
    throw err
  }
  // Static tokens are signed by a registry secret: make the first one on first run.
  if (!running.access.listSecrets().some((s) => s.status === 'active')) await running.access.createSecret({ kid: 'demo-static' }, 'demo')
  const { auth } = loaded.config.gateway
  const signer = createSigner({ secret, kid: 'demo-1', issuer: auth.issuer, audience: auth.audience, ttl: '1h' })
  return {
    url: running.url.origin,
    upstreamUrl: upstream.url,
    token: signer.sign(DEMO_CLAIMS),
    adminToken: signer.sign(ADMIN_CLAIMS),
    adminUrl: `${running.url.origin}${loaded.config.access.admin.path}/`,
    dataDir: resolve(dataDir),
    cookieName: auth.cookieName ?? 'hg_token',
    gateway: running.gateway,
    access: running.access,
    close: () => running.close().finally(() => upstream.close()),
  }
}

// The repository's `ws` by absolute path, so the printed one-liners work from any directory; a
// path the shell or JavaScript quoting would mangle falls back to 'ws' (run from the repository).
function wsModule() {
  const path = createRequire(import.meta.url).resolve('ws').replace(/\\/g, '/')
  return /^[\w./:@+~-]+$/.test(path) ? path : 'ws'
}

function wsOneLiner(wsUrl, setup) {
  // Prints the auth reply, sends "hello" once trusted, prints the upstream's echo, closes.
  return `node -e "const W=require('${wsModule()}');${setup};s.on('message',(m)=>{console.log(String(m));if(String(m).includes('\\"aut\\"'))s.send('hello');else s.close(1000)});s.on('close',(c,r)=>console.log('closed',c,String(r)))"`
    .replace('WSURL', wsUrl)
}

/** The ready-to-paste commands the demo prints, each working exactly as printed from any directory. */
export function demoCommands({ url, token, cookieName }) {
  const wsUrl = `${url.replace(/^http/, 'ws')}/ws`
  return [
    ['Authorised: the token in an Authorization header (the upstream echoes the identity it received)',
      `curl -s ${url}/api/hello -H "Authorization: Bearer ${token}"`],
    ['Authorised: the same token as the cookie, on a route that needs read access to realm "london"',
      `curl -s ${url}/realms/london/riders --cookie "${cookieName}=${token}"`],
    ['Refused, 401: no token', `curl -i ${url}/api/hello`],
    ['Refused, 403: the token grants nothing in realm "admin"', `curl -i ${url}/admin/users -H "Authorization: Bearer ${token}"`],
    ['Public route, no token needed', `curl -s ${url}/public/info`],
    ['WebSocket, token in the upgrade request', wsOneLiner(wsUrl, `const s=new W('WSURL',{headers:{Authorization:'Bearer ${token}'}})`)],
    ['WebSocket, no token at upgrade: quarantined until the "Bearer <token>" auth message',
      wsOneLiner(wsUrl, `const s=new W('WSURL');s.on('open',()=>s.send('Bearer ${token}'))`)],
  ]
}
