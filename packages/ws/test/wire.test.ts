import { expect } from 'chai'
import { AuthError } from '@hivegate/core'
import type { AuthContext } from '@hivegate/core'
import { defineAuthProtocol, hivekitProtocol, jsonProtocol, publicClaims } from '@hivegate/ws'
import { connect } from '../../../test/helpers/ws-client.js'
import { startWs, type Fixture } from './fixture.js'

const auth = { subject: 'u1', tenant: 't1', claims: { sub: 'u1', tnd: 't1', exp: 2000000000, per: {} }, token: 'SECRET.TOKEN.X' } as unknown as AuthContext

describe('wire', () => {
  describe('hivekitProtocol', () => {
    it('parses `Bearer <token>` and nothing else', () => {
      expect(hivekitProtocol.parse('Bearer abc.def.ghi')).to.deep.equal({ kind: 'token', token: 'abc.def.ghi' })
      expect(hivekitProtocol.parse('[{"typ":"sys","act":"hbt"}]').kind).to.equal('none')
      expect(hivekitProtocol.parse('Bearer ').kind).to.equal('malformed')
    })

    it('writes the success and error replies of the Hivekit client, without cid or token', () => {
      expect(hivekitProtocol.success(auth)).to.equal('[{"typ":"sys","act":"aut","res":"suc","dat":{"sub":"u1","tnd":"t1","exp":2000000000}}]')
      expect(hivekitProtocol.failure(new AuthError('token_expired'))).to.equal('[{"typ":"sys","act":"aut","res":"err","err":"The token has expired"}]')
      expect(hivekitProtocol.success(auth)).not.to.include('SECRET')
    })
  })

  describe('jsonProtocol', () => {
    it('parses {"type":"auth","token"} and lets other messages pass', () => {
      expect(jsonProtocol.parse('{"type":"auth","token":"a.b.c"}')).to.deep.equal({ kind: 'token', token: 'a.b.c' })
      expect(jsonProtocol.parse('{"type":"auth"}').kind).to.equal('malformed')
      expect(jsonProtocol.parse('{"type":"auth","token":42}').kind).to.equal('malformed')
      expect(jsonProtocol.parse('{"type":"chat","text":"auth"}').kind).to.equal('none')
      expect(jsonProtocol.parse('{"type":"auth",').kind).to.equal('none')
      expect(jsonProtocol.parse('plain text').kind).to.equal('none')
    })

    it('replies auth_ok and auth_error', () => {
      expect(JSON.parse(jsonProtocol.success(auth))).to.deep.equal({ type: 'auth_ok', sub: 'u1', tnd: 't1', exp: 2000000000 })
      expect(JSON.parse(jsonProtocol.failure(new AuthError('invalid_token')))).to.deep.equal({
        type: 'auth_error',
        code: 'invalid_token',
        message: 'The token is invalid',
      })
    })
  })

  it('publicClaims leaves out what the token does not carry', () => {
    expect(publicClaims({ subject: undefined, tenant: 't', claims: {} } as unknown as AuthContext)).to.deep.equal({ tnd: 't' })
  })

  describe('over a connection', () => {
    let f: Fixture
    afterEach(() => f.stop())

    it('speaks the JSON protocol when configured', async () => {
      f = await startWs({ protocol: jsonProtocol })
      const client = await connect(f.url)
      client.send('{"type":"auth","token":"a.b.c"}')
      expect(JSON.parse(await client.next())).to.include({ type: 'auth_error' })
      client.send(`Bearer ${await f.token()}`)
      client.send(JSON.stringify({ type: 'auth', token: await f.token() }))
      expect(JSON.parse(await client.next())).to.include({ type: 'auth_ok', sub: 'johndoe', tnd: 'tenant-1' })
      expect(f.app[0]!.messages).to.deep.equal([])
    })

    it('treats a parser that throws as a malformed auth message, never a crash', async () => {
      const strict = defineAuthProtocol({
        name: 'strict',
        parse: (text) => {
          if (text === 'boom') throw new Error('parser bug')
          return hivekitProtocol.parse(text)
        },
        success: () => 'ok',
        failure: (err) => `no: ${err.code}`,
      })
      f = await startWs({ protocol: strict })
      const client = await connect(f.url)
      client.send('boom')
      expect(await client.next()).to.equal('no: invalid_request')
      client.send(`Bearer ${await f.token()}`)
      expect(await client.next()).to.equal('ok')
      await client.close()
    })
  })
})

