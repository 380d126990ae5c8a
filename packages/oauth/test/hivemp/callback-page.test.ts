import { expect } from 'chai'
import { runInNewContext } from 'node:vm'
import { callbackPage } from '../../src/hivemp/callback-page.js'

// Runs the page's script against a minimal DOM: what it posts and what stays in the address bar.
function runScript(html: string, href: string): { address: string; submitted: boolean; session: string; status: string } {
  const script = /<script nonce="[^"]+">([\s\S]*)<\/script>/.exec(html)![1]!
  const url = new URL(href)
  const form = { submitted: false, elements: { session: { value: '' } }, submit() { this.submitted = true } }
  const status = { textContent: '' }
  let address = href
  const context = {
    location: { hash: url.hash, pathname: url.pathname, search: url.search },
    history: { replaceState: (_s: unknown, _t: string, next: string) => { address = next } },
    document: { getElementById: (id: string) => (id === 'login' ? form : status) },
  }
  runInNewContext(script, context)
  return { address, submitted: form.submitted, session: form.elements.session.value, status: status.textContent }
}

describe('callbackPage', () => {
  it('sends a nonce CSP, no-store, no-referrer and frame denial', () => {
    const page = callbackPage('/auth/callback', 'csrf-1', 'bm9uY2U=')
    expect(page.headers).to.include({
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Content-Security-Policy': "default-src 'none'; script-src 'nonce-bm9uY2U='; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    })
    expect(page.body).to.include('<script nonce="bm9uY2U=">')
    expect(page.body).to.include('<form id="login" method="post" action="/auth/callback">')
    expect(page.body).to.include('name="csrf" value="csrf-1"')
  })

  it('escapes what it embeds', () => {
    expect(callbackPage('/a"b', '<x>', 'n').body).to.include('action="/a&#34;b"').and.include('value="&#60;x&#62;"')
  })

  it('lifts #session= from the fragment, clears it from the address bar, and posts it', () => {
    const page = callbackPage('/auth/callback', 'csrf-1', 'n')
    const run = runScript(page.body, 'https://game.example/auth/callback?x=1#session=eyJh+b/c=')
    expect(run).to.deep.equal({ address: '/auth/callback?x=1', submitted: true, session: 'eyJh+b/c=', status: '' })
  })

  it('says so, and posts nothing, when the fragment holds no session', () => {
    const run = runScript(callbackPage('/auth/callback', 'c', 'n').body, 'https://game.example/auth/callback#error=denied')
    expect(run.submitted).to.equal(false)
    expect(run.address).to.equal('/auth/callback')
    expect(run.status).to.match(/did not return a session/)
  })
})
