import { expect } from 'chai'
import { decodeSessionData } from '@hivegate/oauth'

const SESSION = {
  id: 'session-1',
  accountId: 'account-1',
  apiKey: 'k'.repeat(48),
  expiry: 2_000_000_000,
  start: 1_900_000_000,
  projectId: 'project-1',
  metered: false,
  billedMinutes: 0,
  profile: { displayName: 'Player' },
}
const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64')

function refusal(text: string, max = 8192): { code: string } {
  try {
    decodeSessionData(text, max)
  } catch (err) {
    return err as { code: string }
  }
  throw new Error('expected the session data to be refused')
}

describe('decodeSessionData', () => {
  it('decodes standard and URL-safe base64 of a UserSessionWithSecrets', () => {
    expect(decodeSessionData(encode(SESSION), 8192)).to.deep.equal(SESSION)
    expect(decodeSessionData(Buffer.from(JSON.stringify(SESSION)).toString('base64url'), 8192)).to.deep.equal(SESSION)
    expect(decodeSessionData(encode({ ...SESSION, profile: null }), 8192).profile).to.equal(null)
  })

  it('refuses data over the size limit before decoding', () => {
    expect(refusal(encode(SESSION), 100)).to.include({ code: 'payload_too_large' })
  })

  it('refuses anything that is not the exact shape', () => {
    const cases: unknown[] = [
      null,
      [],
      'text',
      { ...SESSION, extra: 1 },
      { ...SESSION, __proto__: { x: 1 }, constructor: 1 },
      { ...SESSION, id: '' },
      { ...SESSION, id: 1 },
      { ...SESSION, apiKey: undefined },
      { ...SESSION, expiry: 1.5 },
      { ...SESSION, expiry: -1 },
      { ...SESSION, start: '1' },
      { ...SESSION, metered: 'no' },
      { ...SESSION, billedMinutes: null },
      { ...SESSION, profile: [] },
      { ...SESSION, profile: 'x' },
      { ...SESSION, accountId: 'a'.repeat(600) },
    ]
    for (const value of cases) expect(refusal(encode(value)), JSON.stringify(value)).to.include({ code: 'session_data_invalid' })
    for (const text of ['', '%%%', 'eyJ9', Buffer.from('{"id":').toString('base64')]) {
      expect(refusal(text), text).to.include({ code: 'session_data_invalid' })
    }
  })
})
