import { expect } from 'chai'
import { createServer, type Server, type Socket } from 'node:net'
import { WebSocket } from 'ws'
import { startEchoUpstream, startProxy, type EchoUpstream, type RunningProxy } from '../helpers/gateway-kit.js'
import { secret } from '../helpers/keys.js'
import { close, listen, rejects } from '../helpers/listen.js'
import { mint, TEST_AUDIENCE, TEST_ISSUER } from '../helpers/tokens.js'
import { HivekitStandIn } from '../helpers/hivekit-client.js'
import { connect, type TestSocket } from '../helpers/ws-client.js'

const key = secret()
const auth = { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: { secrets: { 'kid-1': key } } }
const routes = [
  { path: '/public/*', public: true },
  { path: '/realms/:realm/*', permission: [':realm', 'deliveryRiders/*', 'R'] as [string, string, string] },
]

async function trusted(socket: TestSocket): Promise<void> {
  const reply = (await socket.nextJson()) as Array<{ act: string; res: string }>
  expect(reply[0]).to.include({ act: 'aut', res: 'suc' })
}

describe('gateway over WebSocket', () => {
  let upstream: EchoUpstream
  let gw: RunningProxy
  let token: string
  const sockets: TestSocket[] = []

  before(async () => {
    upstream = await startEchoUpstream()
    token = await mint({ key })
  })
  after(() => upstream.close())
  beforeEach(async () => {
    gw = await startProxy({ target: upstream.url, auth, routes, stripCredentials: true })
  })
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.close()))
    await gw.close()
  })

  async function open(path: string, headers?: Record<string, string>): Promise<TestSocket> {
    const socket = await connect(`${gw.wsUrl}${path}`, headers ? { headers } : {})
    sockets.push(socket)
    return socket
  }

  it('relays text and binary both ways after upgrade-time credentials, with identity headers', async () => {
    const arriving = upstream.nextSocket()
    const socket = await open('/live', { Authorization: `Bearer ${token}`, 'X-Hivegate-Sub': 'admin' })
    await trusted(socket)
    await arriving
    socket.send('hi')
    expect(await socket.next()).to.equal('echo:hi')
    const binary = new Promise<{ data: Buffer; isBinary: boolean }>((resolve) => socket.ws.once('message', (data, isBinary) => resolve({ data: data as Buffer, isBinary })))
    socket.ws.send(Buffer.from([0, 1, 2, 255]))
    const echoed = await binary
    expect(echoed.isBinary).to.equal(true)
    expect([...echoed.data]).to.deep.equal([0, 1, 2, 255])
    const headers = upstream.upgrades.at(-1)!
    expect(headers['x-hivegate-sub']).to.equal('johndoe')
    expect(headers['x-hivegate-tenant']).to.equal('tenant-1')
    expect(headers.authorization).to.equal(undefined)
  })

  it('relays many large binary frames in order through a small high-water mark', async () => {
    const local = await startProxy({ target: upstream.url, auth, websocket: { highWaterMark: 64 * 1024 } })
    try {
      const socket = await connect(`${local.wsUrl}/live`, { headers: { Authorization: `Bearer ${token}` } })
      await trusted(socket)
      // An echo proves the upstream leg is open: more than maxPendingBytes before that closes 1008.
      socket.send('ready?')
      expect(await socket.next()).to.equal('echo:ready?')
      const count = 16
      const received: number[] = []
      const done = new Promise<void>((resolve) =>
        socket.ws.on('message', (data: Buffer, isBinary) => {
          if (!isBinary) return
          expect(data.length).to.equal(256 * 1024)
          received.push(data[0]!)
          if (received.length === count) resolve()
        }),
      )
      for (let i = 0; i < count; i++) socket.ws.send(Buffer.alloc(256 * 1024, i))
      await done
      expect(received).to.deep.equal([...Array(count).keys()])
      await socket.close()
    } finally {
      await local.close()
    }
  })

  it('quarantines a token-less connection and opens the upstream only after a valid auth message', async () => {
    const before = upstream.upgrades.length
    const socket = await open('/live')
    socket.send('ignored while quarantined')
    socket.send('Bearer not-a-token')
    const failure = (await socket.nextJson()) as Array<{ res: string }>
    expect(failure[0]!.res).to.equal('err')
    expect(upstream.upgrades.length).to.equal(before)
    const arriving = upstream.nextSocket()
    socket.send(`Bearer ${token}`)
    await trusted(socket)
    await arriving
    socket.send('after auth')
    expect(await socket.next()).to.equal('echo:after auth')
    expect(upstream.upgrades.length).to.equal(before + 1)
    expect(upstream.upgrades.at(-1)!['x-hivegate-sub']).to.equal('johndoe')
  })

  it('lets the (stand-in) Hivekit client authenticate through the gateway unchanged', async () => {
    const client = new HivekitStandIn({ heartbeatInterval: 0 })
    await client.connect(`${gw.wsUrl}/hivekit`)
    const arriving = upstream.nextSocket()
    await client.authenticate(token)
    expect(client.connectionStatus).to.equal('authenticated')
    const upstreamSide = await arriving
    const received = new Promise<string>((resolve) => upstreamSide.once('message', (data) => resolve(String(data))))
    client.send({ typ: 'data', act: 'ping' })
    expect(JSON.parse(await received)).to.deep.equal([{ typ: 'data', act: 'ping' }])
    await client.disconnect()
  })

  it('refuses a bad upgrade-time token with 401 before upgrading, without contacting the upstream', async () => {
    const before = upstream.upgrades.length
    const err = await rejects(connect(`${gw.wsUrl}/live`, { headers: { Authorization: 'Bearer x.y.z' } }))
    expect(err.status).to.equal(401)
    expect(upstream.upgrades.length).to.equal(before)
  })

  it('enforces route rules: 403 before upgrading, 4403 after an auth message', async () => {
    const err = await rejects(connect(`${gw.wsUrl}/realms/paris/feed`, { headers: { Authorization: `Bearer ${token}` } }))
    expect(err.status).to.equal(403)
    const socket = await open('/realms/paris/feed')
    socket.send(`Bearer ${token}`)
    await trusted(socket)
    expect((await socket.closed).code).to.equal(4403)
  })

  it('relays a public route without authentication', async () => {
    const socket = await open('/public/chat')
    socket.send('anyone')
    expect(await socket.next()).to.equal('echo:anyone')
  })

  it('closes the client with the upstream close code and reason', async () => {
    const socket = await open('/live', { Authorization: `Bearer ${token}` })
    await trusted(socket)
    socket.send('close-me')
    expect(await socket.closed).to.deep.equal({ code: 4321, reason: 'upstream says bye' })
  })

  it('closes the upstream when the client closes', async () => {
    const arriving = upstream.nextSocket()
    const socket = await open('/live', { Authorization: `Bearer ${token}` })
    await trusted(socket)
    const upstreamSide = await arriving
    const upstreamClosed = new Promise<number>((resolve) => upstreamSide.once('close', (code) => resolve(code)))
    socket.ws.close(4000, 'client done')
    expect(await upstreamClosed).to.equal(4000)
  })

  describe('upstream trouble', () => {
    let silent: Server
    let silentUrl: string
    const held = new Set<Socket>()
    before(async () => {
      // Accepts TCP and never answers the handshake: the upstream stays "connecting".
      silent = createServer((socket) => {
        held.add(socket)
        socket.on('error', () => {})
      })
      silentUrl = await listen(silent)
    })
    after(async () => {
      for (const socket of held) socket.destroy()
      await close(silent)
    })

    it('closes the client with 1014 when the upstream is down', async () => {
      const dead = createServer()
      const deadUrl = await listen(dead)
      await close(dead)
      const local = await startProxy({ target: deadUrl, auth })
      try {
        const socket = await connect(`${local.wsUrl}/live`, { headers: { Authorization: `Bearer ${token}` } })
        expect((await socket.closed).code).to.equal(1014)
      } finally {
        await local.close()
      }
    })

    it('bounds what a client may send while the upstream connects (1008)', async () => {
      const local = await startProxy({ target: silentUrl, auth, websocket: { maxPendingBytes: 1024 } })
      try {
        const socket = await connect(`${local.wsUrl}/live`, { headers: { Authorization: `Bearer ${token}` } })
        await trusted(socket)
        socket.ws.send(Buffer.alloc(600))
        socket.ws.send(Buffer.alloc(600))
        expect((await socket.closed).code).to.equal(1008)
      } finally {
        await local.close()
      }
    })

    it('closes the client with 1014 when the upstream handshake outlives timeout', async () => {
      const local = await startProxy({ target: silentUrl, auth, timeout: 50 })
      try {
        const socket = await connect(`${local.wsUrl}/live`, { headers: { Authorization: `Bearer ${token}` } })
        expect((await socket.closed).code).to.equal(1014)
      } finally {
        await local.close()
      }
    })
  })

  it('bounds relayed connections: 503 before upgrading, 1013 once an auth message arrives', async () => {
    const local = await startProxy({ target: upstream.url, auth, routes, websocket: { maxRelays: 1 } })
    try {
      const quarantined = await connect(`${local.wsUrl}/live`)
      const first = await connect(`${local.wsUrl}/public/a`)
      first.send('x')
      expect(await first.next()).to.equal('echo:x')
      const err = await rejects(connect(`${local.wsUrl}/public/b`))
      expect(err.status).to.equal(503)
      quarantined.send(`Bearer ${token}`)
      await trusted(quarantined)
      expect((await quarantined.closed).code).to.equal(1013)
      await first.close()
    } finally {
      await local.close()
    }
  })

  it('refuses every upgrade with websocket: false', async () => {
    const local = await startProxy({ target: upstream.url, auth, websocket: false })
    try {
      const err = await rejects(connect(`${local.wsUrl}/live`, { headers: { Authorization: `Bearer ${token}` } }))
      expect(err.status).to.equal(400)
    } finally {
      await local.close()
    }
  })

  it('ends relayed connections on close()', async () => {
    const socket = await open('/live', { Authorization: `Bearer ${token}` })
    await trusted(socket)
    await gw.proxy.close()
    expect((await socket.closed).code).to.equal(1001)
    expect(socket.ws.readyState).to.equal(WebSocket.CLOSED)
  })
})
