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
    ]) {
      const err = await rejects(Promise.resolve().then(() => returnTo(value)))
      expect(err, value).to.include({ code: 'invalid_return_to', status: 400 })
    }
  })
})
