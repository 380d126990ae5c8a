import { expect } from 'chai'
import { validateRedirectUri } from '@hivegate/oauth'

const SITE = 'https://game.example/some/path'

function refused(redirectUri: string, websiteUrl = SITE, options = {}): string {
  const result = validateRedirectUri(redirectUri, websiteUrl, options)
  if (result.ok) throw new Error(`expected ${redirectUri} to be refused`)
  return result.reason
}

describe('validateRedirectUri', () => {
  it('accepts the website URL itself and paths below it', () => {
    for (const uri of [
      'https://game.example/some/path',
      'https://game.example/some/path/',
      'https://game.example/some/path/x',
      'https://game.example/some/path/auth/callback?next=1',
    ]) {
      expect(validateRedirectUri(uri, SITE), uri).to.deep.equal({ ok: true })
    }
    expect(validateRedirectUri('https://game.example/auth/callback', 'https://game.example/')).to.deep.equal({ ok: true })
    expect(validateRedirectUri('https://game.example/some/path/x', 'https://game.example/some/path/')).to.deep.equal({ ok: true })
  })

  it('cuts at a path-segment boundary: /some/pathology is not below /some/path', () => {
    expect(refused('https://game.example/some/pathology')).to.match(/not the website path or below it/)
    expect(refused('https://game.example/some/path-x/cb')).to.match(/below/)
    expect(refused('https://game.example/some')).to.match(/below/)
    expect(refused('https://game.example/')).to.match(/below/)
  })

  it('refuses userinfo, even when it looks like the host', () => {
    expect(refused('https://user:pass@game.example/some/path/x')).to.match(/userinfo/)
    expect(refused('https://game.example@evil.example/some/path/x')).to.match(/userinfo|host/)
    expect(refused('https://evil.example@game.example/some/path/x')).to.match(/userinfo/)
  })

  it('refuses another scheme, host or port', () => {
    expect(refused('http://game.example/some/path/x')).to.match(/https/)
    expect(refused('https://evil.example/some/path/x')).to.match(/host/)
    expect(refused('https://game.example.evil.example/some/path/x')).to.match(/host/)
    expect(refused('https://sub.game.example/some/path/x')).to.match(/host/)
    expect(refused('https://game.example:8443/some/path/x')).to.match(/port/)
    expect(refused('javascript://game.example/some/path/x')).to.match(/scheme/)
    expect(refused('wss://game.example/some/path/x')).to.match(/scheme/)
  })

  it('treats the default port as no port', () => {
    expect(validateRedirectUri('https://game.example:443/some/path/x', SITE)).to.deep.equal({ ok: true })
  })

  it('refuses dot-segments that would climb out of the path', () => {
    expect(refused('https://game.example/some/path/../../admin')).to.match(/dot-segment/)
    expect(refused('https://game.example/some/path/./x')).to.match(/dot-segment/)
    expect(refused('https://game.example/some/path/..')).to.match(/dot-segment/)
  })

  it('refuses encoded slashes, backslashes, dots and percents', () => {
    expect(refused('https://game.example/some/path/%2e%2e/%2e%2e/admin')).to.match(/encoded/)
    expect(refused('https://game.example/some/path/..%2f..%2fadmin')).to.match(/encoded/)
    expect(refused('https://game.example/some/path%2F..%2Fx')).to.match(/encoded/)
    expect(refused('https://game.example/some/path/%5c..%5cadmin')).to.match(/encoded/)
    expect(refused('https://game.example/some/path/%252e%252e/x')).to.match(/encoded/)
  })

  it('refuses backslashes, whitespace and control characters', () => {
    expect(refused('https://game.example/some/path\\..\\..\\admin')).to.match(/backslash/)
    expect(refused('https://game.example\\@evil.example/some/path')).to.match(/backslash/)
    expect(refused('https://game.example/some/path/x\ty')).to.match(/control/)
    expect(refused(' https://game.example/some/path/x')).to.match(/control|space/)
  })

  it('refuses a fragment and a URL that does not parse', () => {
    expect(refused('https://game.example/some/path/x#frag')).to.match(/fragment/)
    expect(refused('/some/path/x')).to.match(/absolute/)
    expect(refused('https://game.example/some/path', 'not a url')).to.match(/website URL/)
  })

  it('allows http only for localhost, and only with allowHttpLocalhost', () => {
    const dev = { allowHttpLocalhost: true }
    expect(refused('http://localhost:3000/cb', 'http://localhost:3000/')).to.match(/https/)
    expect(validateRedirectUri('http://localhost:3000/cb', 'http://localhost:3000/', dev)).to.deep.equal({ ok: true })
    expect(validateRedirectUri('http://127.0.0.1:3000/cb', 'http://127.0.0.1:3000/', dev)).to.deep.equal({ ok: true })
    expect(validateRedirectUri('http://[::1]:3000/cb', 'http://[::1]:3000/', dev)).to.deep.equal({ ok: true })
    expect(refused('http://game.example/cb', 'http://game.example/', dev)).to.match(/only for localhost/)
    expect(refused('http://localhost.evil.example/cb', 'http://localhost.evil.example/', dev)).to.match(/only for localhost/)
    expect(refused('http://localhost:3000/cb', 'https://localhost:3000/', dev)).to.match(/scheme/)
  })
})
