import { expect } from 'chai'
import { randomBytes } from 'node:crypto'
import { isLoginError, type FlowRequest, type FlowResponse } from '@hivegate/oauth'
import { createLoginFlow, equalSecret, type FlowSetup, type FlowSteps, type FlowTools } from '../src/flow.js'
import { page } from '../src/http.js'
import { resolveCommon } from '../src/options.js'

const secret = randomBytes(32)
const setup: FlowSetup = {
  common: resolveCommon({ session: { secret } }),
  session: { secret, kid: 'web' },
  site: new URL('https://app.example/'),
  callbackPath: '/auth/callback',
  basePath: undefined,
  stateCookieName: 'hg_test_login',
}

function request(method: string, url: string, headers: Record<string, string> = {}): FlowRequest {
  const parsed = new URL(url, 'https://app.example')
  return { method, path: parsed.pathname, query: parsed.searchParams, headers, cookies: {}, readForm: async () => new URLSearchParams() }
}

async function failure(p: Promise<unknown>): Promise<string> {
  let result: unknown
  try {
    result = await p
  } catch (err) {
    if (!isLoginError(err)) throw err
    return err.code
  }
  throw new Error(`expected a LoginError, got ${JSON.stringify(result)}`)
}

const answer = (name: string) => (): FlowResponse => page(200, name)

function flow(steps: FlowSteps, onTools?: (tools: FlowTools<{ returnTo: string }>) => void) {
  return createLoginFlow<{ returnTo: string }>(setup, (tools) => {
    onTools?.(tools)
    return steps
  })
}

describe('createLoginFlow', () => {
  it('routes login and callback reads to their steps, and passes other paths on', async () => {
    const login = flow({ login: answer('login'), callback: answer('callback') })
    expect(login.paths).to.deep.equal({ login: '/auth/login', callback: '/auth/callback', logout: '/auth/logout' })
    const nested = createLoginFlow({ ...setup, callbackPath: '/auth/hivemp/cb', basePath: '/auth' }, () => ({ login: answer('login'), callback: answer('callback') }))
    expect(nested.paths).to.deep.equal({ login: '/auth/login', callback: '/auth/hivemp/cb', logout: '/auth/logout' })
    for (const method of ['GET', 'HEAD']) {
      expect((await login.handle(request(method, '/auth/login')))?.body).to.equal('login')
      expect((await login.handle(request(method, '/auth/callback')))?.body).to.equal('callback')
    }
    expect(await login.handle(request('GET', '/auth/other'))).to.equal(undefined)
    expect(await login.handle(request('GET', '/auth/login/x'))).to.equal(undefined)
  })

  it('routes the callback steps by matchCallback when the flow gives one', async () => {
    const below = createLoginFlow({ ...setup, matchCallback: (path) => path.startsWith('/auth/callback/') }, () => ({ login: answer('login'), callback: answer('callback') }))
    expect(below.paths.callback).to.equal('/auth/callback')
    expect((await below.handle(request('GET', '/auth/callback/k1')))?.body).to.equal('callback')
    expect(await below.handle(request('GET', '/auth/callback'))).to.equal(undefined)
    expect((await below.handle(request('GET', '/auth/login')))?.body).to.equal('login')
  })

  it('answers method_not_allowed to a POST callback unless the flow posts back, and to writes on login', async () => {
    const readOnly = flow({ login: answer('login'), callback: answer('callback') })
    expect(await failure(readOnly.handle(request('POST', '/auth/callback')))).to.equal('method_not_allowed')
    const posting = flow({ login: answer('login'), callback: answer('callback'), callbackPost: answer('posted') })
    expect((await posting.handle(request('POST', '/auth/callback')))?.body).to.equal('posted')
    for (const f of [readOnly, posting]) {
      expect(await failure(f.handle(request('PUT', '/auth/callback')))).to.equal('method_not_allowed')
      expect(await failure(f.handle(request('POST', '/auth/login')))).to.equal('method_not_allowed')
      expect(await failure(f.handle(request('DELETE', '/auth/logout')))).to.equal('method_not_allowed')
    }
  })

  it('clears the session cookie at logout and returns to a same-origin path', async () => {
    const login = flow({ login: answer('login'), callback: answer('callback') })
    for (const method of ['GET', 'POST']) {
      const res = (await login.handle(request(method, '/auth/logout?returnTo=/bye', { origin: 'https://app.example' })))!
      expect(res.status).to.equal(303)
      expect(res.headers.Location).to.equal('/bye')
      expect(res.cookies).to.deep.equal(['hg_token=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure'])
    }
    expect(await failure(login.handle(request('GET', '/auth/logout?returnTo=//evil.example')))).to.equal('invalid_return_to')
  })

  it('refuses a logout another site started', async () => {
    const login = flow({ login: answer('login'), callback: answer('callback') })
    expect(await failure(login.handle(request('GET', '/auth/logout', { 'sec-fetch-site': 'cross-site' })))).to.equal('origin_not_allowed')
    expect(await failure(login.handle(request('POST', '/auth/logout', { origin: 'https://evil.example' })))).to.equal('origin_not_allowed')
  })

  it('sets cookies without Secure on a plain-http site', async () => {
    let tools: FlowTools<{ returnTo: string }> | undefined
    createLoginFlow<{ returnTo: string }>({ ...setup, site: new URL('http://localhost:3000/') }, (t) => ((tools = t), { login: answer('login'), callback: answer('callback') }))
    const done = await tools!.complete({ sub: 'u1', tnd: 't1' }, '/home', { run: undefined, event: undefined })
    for (const cookie of done.cookies) expect(cookie).to.not.include('Secure')
    expect(tools!.state.start({ returnTo: '/' })).to.not.include('Secure')
  })

  it('completes a login: the session cookie, the hook, the login cookie cleared; a failing hook sets nothing', async () => {
    let tools: FlowTools<{ returnTo: string }> | undefined
    flow({ login: answer('login'), callback: answer('callback') }, (t) => (tools = t))
    const seen: string[] = []
    const done = await tools!.complete({ sub: 'u1', tnd: 't1' }, '/home', { run: (event: string) => void seen.push(event), event: 'e1' })
    expect(done.headers.Location).to.equal('/home')
    expect(done.cookies[0]).to.match(/^hg_token=[\w-]+\.[\w-]+\.[\w-]+; Path=\/; Max-Age=3600; HttpOnly; SameSite=Lax; Secure$/)
    expect(done.cookies[1]).to.equal('hg_test_login=; Path=/auth; Max-Age=0; HttpOnly; SameSite=Lax; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure')
    expect(seen).to.deep.equal(['e1'])
    const hook = { run: () => Promise.reject(new Error('database down')), event: undefined }
    expect(await failure(tools!.complete({ sub: 'u1', tnd: 't1' }, '/home', hook))).to.equal('session_hook_failed')
  })

  it('validates returnTo against the site origin, and hands the steps their paths', () => {
    let tools: FlowTools<{ returnTo: string }> | undefined
    flow({ login: answer('login'), callback: answer('callback') }, (t) => (tools = t))
    expect(tools!.paths.callback).to.equal('/auth/callback')
    expect(tools!.returnTo(request('GET', '/auth/login'))).to.equal('/')
    expect(tools!.returnTo(request('GET', '/auth/login?returnTo=https://app.example/x'))).to.equal('/x')
    expect(() => tools!.returnTo(request('GET', '/auth/login?returnTo=https://evil.example/x'))).to.throw('return')
  })
})

describe('equalSecret', () => {
  it('is true only for equal strings, whatever their lengths', () => {
    expect(equalSecret('abc', 'abc')).to.equal(true)
    expect(equalSecret('abc', 'abd')).to.equal(false)
    expect(equalSecret('abc', 'abcd')).to.equal(false)
    expect(equalSecret('', '')).to.equal(true)
  })
})
