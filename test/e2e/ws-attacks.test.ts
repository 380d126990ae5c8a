// A hostile client on bare sockets against the WebSocket quarantine: frames the `ws` client would
// refuse to send, floods, lies in frame headers, compression bombs and abrupt disconnects. Each
// attack ends in a documented close code, and no slot or timer outlives its connection.
import { expect } from 'chai'
import { deflateRawSync } from 'node:zlib'
import { clientFrame, eventually, OPCODE, rawWebSocket, type RawWebSocket } from '../helpers/ws-client.js'
import { startWs, type Fixture } from '../../packages/ws/test/fixture.js'

describe('ws: hostile frames against the quarantine', () => {
  let f: Fixture
  afterEach(() => f?.stop())

  async function open(headers: Record<string, string> = {}): Promise<RawWebSocket> {
    const raw = await rawWebSocket(f.url, headers)
    expect(raw.head).to.match(/^HTTP\/1\.1 101 /)
    return raw
  }

  async function expectReleased(): Promise<void> {
    await eventually(() => f.wsAuth.quarantined === 0)
    expect(f.clock.pending).to.equal(0)
  }

  describe('frames', () => {
    beforeEach(async () => (f = await startWs({ maxIgnoredMessages: 5 }, { perMessageDeflate: true })))

    it('counts pings in quarantine as ignored messages: a ping flood closes with 4429', async () => {
      const raw = await open()
      for (let i = 0; i < 50; i++) raw.socket.write(clientFrame(OPCODE.ping, 'p'))
      expect(await raw.closed).to.deep.equal({ code: 4429, reason: 'Too many messages before authentication' })
      expect(raw.frames.filter((frame) => frame.opcode === OPCODE.pong).length).to.be.at.most(6)
      raw.socket.destroy()
      await expectReleased()
    })

    it('does not count pings once trusted', async () => {
      const raw = await open()
      raw.socket.write(clientFrame(OPCODE.text, `Bearer ${await f.token()}`))
      expect(JSON.parse((await raw.next()).data.toString())[0].res).to.equal('suc')
      for (let i = 0; i < 20; i++) raw.socket.write(clientFrame(OPCODE.ping, 'p'))
      await eventually(() => raw.frames.filter((frame) => frame.opcode === OPCODE.pong).length === 20)
      expect(f.wsAuth.connections()).to.have.length(1)
      raw.socket.destroy()
    })

    it('closes with 1009 when continuation frames add up to more than maxMessageSize', async () => {
      const raw = await open()
      raw.socket.write(clientFrame(OPCODE.text, 'a'.repeat(10_000), { fin: false }))
      raw.socket.write(clientFrame(OPCODE.continuation, 'a'.repeat(10_000), { fin: false }))
      expect((await raw.closed).code).to.equal(1009)
      await expectReleased()
    })

    it('closes with 1009 on a frame header announcing 2^63 bytes', async () => {
      const raw = await open()
      raw.socket.write(clientFrame(OPCODE.text, '', { length: 2n ** 63n }).subarray(0, 14))
      expect((await raw.closed).code).to.equal(1009)
      await expectReleased()
    })

    it('closes with 1009 on a compressed frame that inflates past maxMessageSize', async () => {
      const raw = await open({ 'Sec-WebSocket-Extensions': 'permessage-deflate' })
      expect(raw.head).to.match(/sec-websocket-extensions: permessage-deflate/i)
      const bomb = deflateRawSync(Buffer.alloc(5_000_000, 'a'))
      expect(bomb.length).to.be.below(16 * 1024)
      raw.socket.write(clientFrame(OPCODE.text, bomb, { rsv1: true }))
      expect((await raw.closed).code).to.equal(1009)
      await expectReleased()
    })

    it('ignores a binary auth message and counts it: only text frames authenticate', async () => {
      const raw = await open()
      raw.socket.write(clientFrame(OPCODE.binary, `Bearer ${await f.token()}`))
      for (let i = 0; i < 5; i++) raw.socket.write(clientFrame(OPCODE.binary, 'x'))
      expect((await raw.closed).code).to.equal(4429)
      expect(raw.frames.map((frame) => frame.opcode)).to.deep.equal([OPCODE.close])
      expect(f.app).to.have.length(0)
    })

    it('frees the slot after a close frame with an invalid code (1002)', async () => {
      const raw = await open()
      await eventually(() => f.wsAuth.quarantined === 1)
      raw.socket.write(clientFrame(OPCODE.close, Buffer.from([0x03, 0xed])))
      expect((await raw.closed).code).to.equal(1002)
      await expectReleased()
    })

    it('keeps the slot of a peer that ignores the close frame until its socket is gone', async () => {
      const raw = await open()
      for (let i = 0; i < 6; i++) raw.socket.write(clientFrame(OPCODE.text, 'x'))
      expect((await raw.closed).code).to.equal(4429)
      expect(f.wsAuth.quarantined).to.equal(1)
      raw.socket.destroy()
      await expectReleased()
    })

    it('frees the slot and the timer after an abrupt reset mid-quarantine', async () => {
      const raws = await Promise.all(Array.from({ length: 5 }, () => open()))
      await eventually(() => f.wsAuth.quarantined === 5)
      for (const raw of raws) raw.socket.resetAndDestroy()
      await expectReleased()
    })
  })

  describe('auth messages', () => {
    beforeEach(async () => (f = await startWs()))

    async function reply(raw: RawWebSocket, text: string): Promise<{ res: string; err?: string }> {
      raw.socket.write(clientFrame(OPCODE.text, text))
      return JSON.parse((await raw.next()).data.toString())[0]
    }

    it('trims surrounding whitespace and newlines and reads the scheme case-insensitively', async () => {
      for (const text of [`\r\n  Bearer ${await f.token()} \n`, `bearer ${await f.token()}`]) {
        const raw = await open()
        expect((await reply(raw, text)).res).to.equal('suc')
        raw.socket.destroy()
      }
    })

    it('refuses a NUL byte in the token with an error reply that does not echo it', async () => {
      const raw = await open()
      const token = await f.token()
      const answer = await reply(raw, `Bearer ${token}\0`)
      expect(answer.res).to.equal('err')
      expect(answer.err).to.be.a('string').and.not.include(token.slice(0, 20))
      expect(f.wsAuth.quarantined).to.equal(1)
      raw.socket.destroy()
    })

    it('answers two auth messages sent back to back in order, then delivers what followed', async () => {
      const raw = await open()
      const handed = f.nextConnection()
      raw.socket.write(Buffer.concat([
        clientFrame(OPCODE.text, 'Bearer a.b.c'),
        clientFrame(OPCODE.text, `Bearer ${await f.token()}`),
        clientFrame(OPCODE.text, 'm1'),
        clientFrame(OPCODE.text, 'm2'),
      ]))
      expect(JSON.parse((await raw.next()).data.toString())[0].res).to.equal('err')
      expect(JSON.parse((await raw.next()).data.toString())[0].res).to.equal('suc')
      const { messages } = await handed
      await eventually(() => messages.length === 2)
      expect(messages).to.deep.equal(['m1', 'm2'])
      raw.socket.destroy()
    })

    it('closes a trusted connection whose re-authentication carries an expired token (4401)', async () => {
      const raw = await open()
      expect((await reply(raw, `Bearer ${await f.token()}`)).res).to.equal('suc')
      const now = Math.floor(f.clock.now() / 1000)
      expect((await reply(raw, `Bearer ${await f.token({ iat: now - 7200, exp: now - 3600 })}`)).err).to.equal('The token has expired')
      expect(await raw.closed).to.deep.equal({ code: 4401, reason: 'The token has expired' })
      await expectReleased()
      expect(f.wsAuth.connections()).to.have.length(0)
    })

    it('arms no timer for a token without exp, and leaves none behind when the app closes', async () => {
      const raw = await open()
      expect((await reply(raw, `Bearer ${await f.token({ exp: undefined })}`)).res).to.equal('suc')
      expect(f.clock.pending).to.equal(0)
      const timed = await open()
      expect((await reply(timed, `Bearer ${await f.token()}`)).res).to.equal('suc')
      expect(f.clock.pending).to.equal(1)
      f.app[1]!.ws.terminate()
      await timed.closed
      await eventually(() => f.wsAuth.connections().length === 1)
      expect(f.clock.pending).to.equal(0)
      raw.socket.destroy()
    })
  })

  describe('messages while an auth message is verified', () => {
    let release: () => void
    beforeEach(async () => {
      const gate = new Promise<boolean>((resolve) => (release = () => resolve(false)))
      f = await startWs({ isRevoked: () => gate, maxIgnoredMessages: 10 })
    })

    it('holds at most maxIgnoredMessages of them, then closes with 4429', async () => {
      const raw = await open()
      const flood = [clientFrame(OPCODE.text, `Bearer ${await f.token()}`)]
      for (let i = 0; i < 10_000; i++) flood.push(clientFrame(OPCODE.text, `m${i}`))
      raw.socket.write(Buffer.concat(flood))
      expect((await raw.closed).code).to.equal(4429)
      release()
      raw.socket.destroy()
      await expectReleased()
      expect(f.app).to.have.length(0)
    })

    it('delivers those it held in order once the token is accepted', async () => {
      const raw = await open()
      const handed = f.nextConnection()
      raw.socket.write(Buffer.concat([clientFrame(OPCODE.text, `Bearer ${await f.token()}`), ...['a', 'b', 'c'].map((m) => clientFrame(OPCODE.text, m))]))
      await eventually(() => f.wsAuth.quarantined === 1 && raw.socket.bytesWritten > 0)
      release()
      const { messages } = await handed
      await eventually(() => messages.length === 3)
      expect(messages).to.deep.equal(['a', 'b', 'c'])
      raw.socket.destroy()
    })
  })
})
