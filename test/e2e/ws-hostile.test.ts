// Every hostile token of test/helpers/hostile.ts, sent as an auth message over WebSocket and raw
// TCP and as an upgrade header: an error reply or a refusal each time, never a crash, and the
// server still authenticates a valid token afterwards.
import { expect } from 'chai'
import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { validateHeaderValue } from 'node:http'
import { createAuthenticator, createManualClock, type AuthContext } from '@hivegate/core'
import { attachAuth, jsonProtocol, type WsAuth } from '@hivegate/ws'
import { attachTcpAuth, type TcpAuth } from '@hivegate/ws/tcp'
import { WebSocketServer } from 'ws'
import { hostileSetup, hostileTokens, hostileVerifierOptions, validToken, type HostileSetup, type HostileToken } from '../helpers/hostile.js'
import { close, listen } from '../helpers/listen.js'
import { connect, eventually, refusal, wsUrl } from '../helpers/ws-client.js'
import { connectTcp } from '../../packages/ws/test/tcp-client.js'

describe('ws: hostile tokens', () => {
  let setup: HostileSetup
  let tokens: HostileToken[]
  let server: http.Server
  let wss: WebSocketServer
  let wsAuth: WsAuth
  let url: string
  let tcpServer: net.Server
  let tcp: TcpAuth
  let tcpPort: number

  before(async () => {
    setup = hostileSetup()
    tokens = await hostileTokens(setup)
    const clock = createManualClock(setup.now * 1000)
    const authenticator = createAuthenticator({ ...hostileVerifierOptions(setup), clock, optional: true })
    authenticator.verifier.revocations.revoke(setup.revokedJti)
    const options = { authenticator, maxAuthAttempts: 1000, maxMessageSize: 16 * 1024 }
    server = http.createServer()
    wss = new WebSocketServer({ noServer: true })
    wsAuth = attachAuth(server, wss, options)
    url = wsUrl(await listen(server))
    tcpServer = net.createServer()
    tcp = attachTcpAuth(tcpServer, { ...options, protocol: jsonProtocol })
    await listen(tcpServer)
    tcpPort = (tcpServer.address() as AddressInfo).port
  })
  after(async () => {
    wsAuth.close()
    tcp.close()
    await close(server)
    await close(tcpServer)
  })

  const fits = (t: HostileToken) => Buffer.byteLength(`Bearer ${t.token}`) <= 16 * 1024
  const sendable = (t: HostileToken) => {
    try {
      validateHeaderValue('authorization', `Bearer ${t.token}`)
      return true
    } catch {
      return false
    }
  }

  it('has hostile tokens to send', () => {
    expect(tokens.length).to.be.greaterThan(10)
  })

  it('answers each hostile auth message on a WebSocket with an error reply and stays open', async () => {
    const client = await connect(url)
    for (const { name, token } of tokens.filter(fits)) {
      client.send(`Bearer ${token}`)
      const reply = JSON.parse(await client.next())
      expect(reply[0], name).to.include({ typ: 'sys', act: 'aut', res: 'err' })
      expect(reply[0].err, name).to.be.a('string').and.not.include(token.slice(0, 16))
    }
    const handed = new Promise<AuthContext>((resolve) => wss.once('connection', (_ws, _req, auth: AuthContext) => resolve(auth)))
    client.send(`Bearer ${validToken(setup, { jti: 'fresh-ws' })}`)
    expect(JSON.parse(await client.next())[0].res).to.equal('suc')
    expect((await handed).subject).to.equal('johndoe')
    await client.close()
  })

  it('answers each hostile auth line on raw TCP with an error line and stays open', async () => {
    const client = await connectTcp(tcpPort)
    for (const { name, token, code } of tokens.filter(fits)) {
      await client.write(`${JSON.stringify({ type: 'auth', token })}\n`)
      expect(JSON.parse(await client.next()), name).to.include({ type: 'auth_error', code })
    }
    await client.write(`${JSON.stringify({ type: 'auth', token: validToken(setup, { jti: 'fresh-tcp' }) })}\n`)
    expect(JSON.parse(await client.next()).type).to.equal('auth_ok')
    await client.end()
  })

  it('closes a quarantined connection with 1009 on a token over maxMessageSize', async () => {
    const big = [...tokens.filter((t) => !fits(t)).map((t) => t.token), `${validToken(setup)}.${'A'.repeat(20_000)}`]
    for (const token of big) {
      const client = await connect(url)
      client.send(`Bearer ${token}`)
      expect((await client.closed).code).to.equal(1009)
    }
    await eventually(() => wsAuth.quarantined === 0)
  })

  it('refuses each hostile token in the upgrade header with a 4xx, never upgrading', async () => {
    for (const { name, token, oversized } of tokens.filter(sendable)) {
      const answer = await refusal(url, { headers: { authorization: `Bearer ${token}` } })
      if (oversized) expect(answer.status, name).to.be.within(400, 499)
      else expect(answer.status, name).to.be.oneOf([400, 401])
    }
  })
})
