import { expect } from 'chai'
import { messageView } from '../../src/request-view.js'
import { authMessageSource, parseAuthMessage } from '../../src/resolver/auth-message.js'

const JWS = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnLWE'

describe('parseAuthMessage', () => {
  it('parses the Hivekit client message `Bearer <token>`', () => {
    expect(parseAuthMessage(`Bearer ${JWS}`)).to.deep.equal({ kind: 'token', token: JWS })
    expect(parseAuthMessage(`bearer ${JWS}`)).to.deep.equal({ kind: 'token', token: JWS })
  })

  it('ignores surrounding ASCII whitespace, so LF- and CRLF-terminated frames parse', () => {
    for (const text of [`Bearer ${JWS}\n`, `Bearer ${JWS}\r\n`, `  Bearer ${JWS}  `, `\tBearer ${JWS}\r`]) {
      expect(parseAuthMessage(text), JSON.stringify(text)).to.deep.equal({ kind: 'token', token: JWS })
    }
  })

  it('does not treat Unicode spaces as whitespace', () => {
    expect(parseAuthMessage(`\u00a0Bearer ${JWS}`).kind).to.equal('none')
    expect(parseAuthMessage(`Bearer ${JWS}\u2028`).kind).to.equal('malformed')
    expect(parseAuthMessage(`\ufeffBearer ${JWS}`).kind).to.equal('none')
  })

  it('is none for messages that are not auth messages', () => {
    for (const text of ['', '   ', 'hello', '{"typ":"sys"}', '[1,2]', `Basic ${JWS}`, `Token ${JWS}`]) {
      expect(parseAuthMessage(text).kind, text).to.equal('none')
    }
    expect(parseAuthMessage(undefined as unknown as string).kind).to.equal('none')
    expect(parseAuthMessage(Buffer.from('Bearer x') as unknown as string).kind).to.equal('none')
  })

  it('is malformed for Bearer with a missing or broken token', () => {
    for (const text of ['Bearer', 'Bearer   \n', `Bearer\t${JWS}`, `Bearer ${JWS} extra`, `Bearer ${JWS}\nBearer ${JWS}`, 'Bearer a"b']) {
      expect(parseAuthMessage(text).kind, JSON.stringify(text)).to.equal('malformed')
    }
  })
})

describe('authMessageSource', () => {
  it('reads view.message', () => {
    expect(authMessageSource.read(messageView(`Bearer ${JWS}`))).to.deep.equal({ kind: 'token', token: JWS })
    expect(authMessageSource.read({ headers: {} }).kind).to.equal('none')
    expect(authMessageSource.name).to.equal('authMessage')
  })
})
