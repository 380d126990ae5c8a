import { expect } from 'chai'
import { sameOriginReturnTo } from '../src/return-to.js'
import { rejects } from '../../../test/helpers/listen.js'

const ORIGIN = 'https://game.example'
const returnTo = (value: string | undefined): string => sameOriginReturnTo(value, ORIGIN, '/home', 2048)

describe('sameOriginReturnTo', () => {
  it('keeps same-origin paths with their query and falls back when none is given', () => {
    expect(returnTo(undefined)).to.equal('/home')
    expect(returnTo('')).to.equal('/home')
    expect(returnTo('/play?level=2')).to.equal('/play?level=2')
    expect(returnTo('https://game.example/play')).to.equal('/play')
    expect(returnTo('/a/../b')).to.equal('/b')
  })

  it('refuses anything that could leave the origin', async () => {
    for (const value of [
      'https://evil.example/',
      '//evil.example/x',
      '/\\evil.example',
      '\\\\evil.example',
      'javascript:alert(1)',
      'https://game.example.evil.example/',
      'https://game.example@evil.example/',
      '/x\n/y',
      'play',
      '/'.padEnd(3000, 'a'),
      'https:evil.example',
      'https:/evil.example',
      '/\t/evil.example',
      '/\r\n//evil.example',
      '\t//evil.example',
      ' //evil.example',
      'JavaScript:alert(1)',
      'data:text/html,x',
      'https://game.example:444/',
      'http://game.example/',
    ]) {
      const err = await rejects(Promise.resolve().then(() => returnTo(value)))
      expect(err, value).to.include({ code: 'invalid_return_to', status: 400 })
    }
  })

  it('refuses paths the URL parser collapses into a protocol-relative "//host"', async () => {
    // '/.//evil.example' resolves to the path '//evil.example': as a Location, that is evil.example.
    for (const value of ['/.//evil.example', '/%2e//evil.example', '/%2E//evil.example', '/x/..//evil.example', '/a/%2e%2e//evil.example']) {
      const err = await rejects(Promise.resolve().then(() => returnTo(value)))
      expect(err, value).to.include({ code: 'invalid_return_to', status: 400 })
    }
  })

  it('keeps encoded slashes as an ordinary same-origin path', () => {
    // '%2F' is not a separator: browsers request the path '/%2F%2Fevil.example' on this origin.
    expect(returnTo('/%2F%2Fevil.example')).to.equal('/%2F%2Fevil.example')
    expect(new URL(returnTo('/%2F%2Fevil.example'), `${ORIGIN}/x`).origin).to.equal(ORIGIN)
  })
})
