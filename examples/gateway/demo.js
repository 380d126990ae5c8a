// The `npm start` demo as a factory: a demo upstream, the gateway from hivegate.yml, a demo token.
import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { loadConfig, startGateway } from '@hivegate/cli'
import { createSigner } from '@hivegate/core'
import { startDemoUpstream } from './demo-upstream.js'

export const CONFIG_FILE = fileURLToPath(new URL('./hivegate.yml', import.meta.url))
export const DEFAULT_PORT = 8080
export const DEMO_CLAIMS = Object.freeze({
  sub: 'demo-user',
  tnd: 'demo-tenant',
  per: { london: { '*': 'R' } },
  dpv: { london: ['deliveryRides/demo-1'] },
})

/**
 * Starts the demo on 127.0.0.1: `port` for the gateway (0 picks one), a free port for the upstream.
 * The HMAC secret is HIVEGATE_DEMO_SECRET from `env` or, by default, a fresh random one for this run.
 */
export async function startDemo({ port = DEFAULT_PORT, env = process.env } = {}) {
  const secret = env.HIVEGATE_DEMO_SECRET || randomBytes(32).toString('base64url')
  const loaded = loadConfig(CONFIG_FILE, { ...env, HIVEGATE_DEMO_SECRET: secret })
  const upstream = await startDemoUpstream(0)
  let running
  try {
    running = await startGateway(loaded, { port, target: upstream.url })
  } catch (err) {
    await upstream.close()
    throw err
  }
  const { auth } = loaded.config.gateway
  const token = createSigner({ secret, kid: 'demo-1', issuer: auth.issuer, audience: auth.audience, ttl: '1h' }).sign(DEMO_CLAIMS)
  return {
    url: running.url.origin,
    upstreamUrl: upstream.url,
    token,
    cookieName: auth.cookieName ?? 'hg_token',
    gateway: running.gateway,
    async close() {
      await running.gateway.close()
      await upstream.close()
    },
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
