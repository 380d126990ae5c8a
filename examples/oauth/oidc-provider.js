// A local OpenID provider (the `oidc-provider` package) on 127.0.0.1, with one confidential
// client and minimal login and consent screens driven by plain forms: any login name signs in.
// The tests use it too (see oidc-provider.d.ts for the types).
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import Provider from 'oidc-provider'

// In-memory storage for the provider, scoped to one provider instance (the package's own default warns on every start).
function memoryAdapter() {
  const store = new Map()
  const live = (key) => {
    const entry = store.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) return void store.delete(key)
    return entry.payload
  }
  return class {
    constructor(name) {
      this.name = name
    }
    key(id) {
      return `${this.name}:${id}`
    }
    async upsert(id, payload, expiresIn) {
      store.set(this.key(id), { payload, expiresAt: expiresIn === undefined ? undefined : Date.now() + expiresIn * 1000 })
      if (typeof payload.uid === 'string') store.set(`${this.name}:uid:${payload.uid}`, { payload, expiresAt: undefined })
      if (typeof payload.userCode === 'string') store.set(`${this.name}:user:${payload.userCode}`, { payload, expiresAt: undefined })
    }
    async find(id) {
      return live(this.key(id))
    }
    async findByUid(uid) {
      return live(`${this.name}:uid:${uid}`)
    }
    async findByUserCode(code) {
      return live(`${this.name}:user:${code}`)
    }
    async consume(id) {
      const payload = live(this.key(id))
      if (payload !== undefined) payload.consumed = Math.floor(Date.now() / 1000)
    }
    async destroy(id) {
      store.delete(this.key(id))
    }
    async revokeByGrantId(grantId) {
      for (const [key, entry] of store) if (entry.payload.grantId === grantId) store.delete(key)
    }
  }
}

function readForm(req) {
  return new Promise((resolve, reject) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))))
    req.on('error', reject)
  })
}

function html(res, body) {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(`<!doctype html><body>${body}</body>`)
}

// Login: any non-empty login name signs in, with the `acr` the form names, if any; "abort" denies. Consent: confirm or abort.
async function interaction(provider, req, res) {
  const url = new URL(req.url ?? '/', 'http://x.invalid')
  const [, , uid, action] = url.pathname.split('/')
  const details = await provider.interactionDetails(req, res)
  if (details.uid !== uid) throw new Error('interaction mismatch')
  if (req.method === 'GET' && action === undefined) {
    const form = details.prompt.name === 'login'
      ? `<form method="post" action="/interaction/${uid}/login"><input name="login"><button>Sign in</button></form>`
      : `<form method="post" action="/interaction/${uid}/confirm"><button>Allow</button></form>`
    return html(res, `<h1>${details.prompt.name}</h1>${form}<a href="/interaction/${uid}/abort">Cancel</a>`)
  }
  if (action === 'abort') {
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'End-User aborted interaction' }, { mergeWithLastSubmission: false })
    return
  }
  if (req.method === 'POST' && action === 'login') {
    const form = await readForm(req)
    const login = form.get('login') ?? ''
    if (login === '') throw new Error('empty login')
    const acr = form.get('acr') ?? ''
    await provider.interactionFinished(req, res, { login: { accountId: login, ...(acr === '' ? {} : { acr }) } }, { mergeWithLastSubmission: false })
    return
  }
  if (req.method === 'POST' && action === 'confirm') {
    const { accountId } = details.session ?? {}
    const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) })
    grant.addOIDCScope(String(details.params.scope))
    const grantId = await grant.save()
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true })
    return
  }
  res.writeHead(404).end()
}

/** Starts a provider on 127.0.0.1 with a free port; its issuer is `http://127.0.0.1:PORT`. */
export async function startOidcProvider(options) {
  let provider
  const server = createServer((req, res) => {
    if (provider === undefined) return void res.writeHead(503).end()
    if (req.url?.startsWith('/interaction/')) {
      interaction(provider, req, res).catch(() => {
        if (!res.headersSent) res.writeHead(400).end('interaction failed')
      })
      return
    }
    provider.callback()(req, res)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${server.address().port}`
  const clientId = options.clientId ?? 'hivegate-web'
  const clientSecret = randomBytes(32).toString('base64url')
  const signingKey = { ...generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'jwk' }), kid: 'test-es256', alg: 'ES256', use: 'sig' }
  const claims = options.claims ?? {}
  provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: options.redirectUris, response_types: ['code'], grant_types: ['authorization_code'], id_token_signed_response_alg: 'ES256' }],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    claims: { openid: ['sub'], profile: ['name', 'tenant', 'roles'] },
    acrValues: options.acrValues ?? [],
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    adapter: memoryAdapter(),
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    async findAccount(_ctx, accountId) {
      return { accountId, claims: async () => ({ sub: accountId, ...claims[accountId] }) }
    },
  })
  return {
    issuer,
    provider,
    clientId,
    clientSecret,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
