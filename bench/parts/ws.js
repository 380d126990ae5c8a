// ws: N WebSocket connections on one server process (clients in another). Time to connect and to
// have all of them trusted by auth message; heap and RSS per connection, quarantined vs plain ws.
import { fileURLToPath } from 'node:url'
import { makeKey, exportKey, signToken, claims } from '../lib/fixtures.js'
import { startChild } from '../lib/children.js'
import { machine } from '../lib/machine.js'

const SERVER = fileURLToPath(new URL('../servers/ws-server.js', import.meta.url))
const CLIENT = fileURLToPath(new URL('../servers/ws-client.js', import.meta.url))
const FD_HEADROOM = 200

async function check(reply) {
  const value = await reply
  if (value.error) throw new Error(value.error)
  return value
}

async function session(mode, { connections, inFlight, key, tokens, log }) {
  const server = startChild(SERVER, ['--expose-gc'])
  const client = startChild(CLIENT)
  try {
    const { port } = await check(server.request({ cmd: 'start', mode, key: exportKey(key), connections }))
    const before = await check(server.request({ cmd: 'memory' }))
    const opened = await check(client.request({ cmd: 'connect', port, connections, inFlight }, 600_000))
    if (opened.open !== connections) throw new Error(`${mode}: only ${opened.open} of ${connections} connections opened`)
    const connected = await check(server.request({ cmd: 'memory' }))
    if (mode !== 'plain' && connected.quarantined !== connections) throw new Error(`${mode}: ${connected.quarantined} of ${connections} connections in quarantine`)
    const result = { mode, connectMs: opened.ms, before, connected }
    if (mode !== 'plain') {
      const authed = await check(client.request({ cmd: 'auth', tokens }, 600_000))
      if (authed.failures > 0) throw new Error(`${mode}: ${authed.failures} auth messages failed`)
      result.authMs = authed.ms
      result.trusted = await check(server.request({ cmd: 'memory' }))
    }
    await check(client.request({ cmd: 'close' }))
    log(`ws ${mode}: ${connections} connected in ${Math.round(opened.ms)} ms${result.authMs ? `, trusted ${Math.round(result.authMs)} ms later` : ''}`)
    return result
  } finally {
    await Promise.all([client.stop(), server.stop()])
  }
}

export async function run({ connections: wanted, inFlight, log }) {
  const limit = machine().fdLimit ?? 1024
  const connections = Math.min(wanted, limit - FD_HEADROOM)
  const key = makeKey('HS256')
  // One token per client, as 10,000 distinct clients would send: every verification is a miss.
  const tokens = Array.from({ length: connections }, (_, i) => signToken(key, claims({ sub: `user-${i}` })))
  const plain = await session('plain', { connections, inFlight, key, tokens, log })
  const hivegate = await session('hivegate', { connections, inFlight, key, tokens, log })
  const per = (a, b, field) => (a[field] - b[field]) / connections
  return {
    connections,
    requested: wanted,
    fdLimit: limit,
    plain: { connectMs: plain.connectMs, heapPerConn: per(plain.connected, plain.before, 'heapUsed'), rssPerConn: per(plain.connected, plain.before, 'rss') },
    hivegate: {
      connectMs: hivegate.connectMs,
      authMs: hivegate.authMs,
      quarantined: hivegate.connected.quarantined,
      heapPerConn: per(hivegate.connected, hivegate.before, 'heapUsed'),
      rssPerConn: per(hivegate.connected, hivegate.before, 'rss'),
      trustedHeapPerConn: per(hivegate.trusted, hivegate.before, 'heapUsed'),
      trustedRssPerConn: per(hivegate.trusted, hivegate.before, 'rss'),
    },
  }
}
