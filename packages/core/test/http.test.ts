import { expect } from 'chai'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { Duplex, PassThrough } from 'node:stream'
import { close, listen } from '../../../test/helpers/listen.js'
import { AuthError } from '../src/errors.js'
import { errorBody, writeAuthError } from '../src/http.js'

interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

function get(base: string, path = '/'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http.get(`${base}${path}`, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      res.on('error', reject)
    }).on('error', reject)
  })
}

/** Sends a raw upgrade request and collects everything the server writes until it closes. */
function rawUpgrade(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write('GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n')
    })
    let data = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => (data += chunk))
    socket.on('close', () => resolve(data))
    socket.on('error', reject)
  })
}

describe('writeAuthError', () => {
  describe('on a ServerResponse', () => {
    let server: http.Server
    let base: string
    let handler: (req: IncomingMessage, res: ServerResponse) => void
    before(async () => {
      server = http.createServer((req, res) => handler(req, res))
      base = await listen(server)
    })
    after(() => close(server))

    it('writes status, WWW-Authenticate, no-store and the JSON body', async () => {
      handler = (_req, res) => writeAuthError(res, new AuthError('token_expired'), { realm: 'api' })
      const answer = await get(base)
      expect(answer.status).to.equal(401)
      expect(answer.headers['www-authenticate']).to.equal('Bearer realm="api", error="invalid_token", error_description="The token has expired"')
      expect(answer.headers['content-type']).to.match(/^application\/json/)
      expect(answer.headers['cache-control']).to.equal('no-store')
      expect(answer.headers['content-length']).to.equal(String(Buffer.byteLength(answer.body)))
      expect(JSON.parse(answer.body)).to.deep.equal({ error: 'token_expired', error_description: 'The token has expired' })
    })

    it('keeps a realm the error already carries and headers set earlier (e.g. CORS)', async () => {
      handler = (_req, res) => {
        res.setHeader('Access-Control-Allow-Origin', 'https://app.example')
        const err = new AuthError('insufficient_permission')
        err.realm = 'own'
        writeAuthError(res, err, { realm: 'other' })
      }
      const answer = await get(base)
      expect(answer.status).to.equal(403)
      expect(answer.headers['www-authenticate']).to.match(/^Bearer realm="own", error="insufficient_scope"/)
      expect(answer.headers['access-control-allow-origin']).to.equal('https://app.example')
    })

    it('sends no challenge for codes without one', async () => {
      handler = (_req, res) => writeAuthError(res, new AuthError('keys_unavailable'))
      const answer = await get(base)
      expect(answer.status).to.equal(503)
      expect(answer.headers).not.to.have.property('www-authenticate')
      expect(JSON.parse(answer.body).error).to.equal('keys_unavailable')
    })

    it('cuts a response whose headers were already sent, without throwing', async () => {
      let destroyed: boolean | undefined
      handler = (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/plain' })
        res.write('partial')
        writeAuthError(res, new AuthError('invalid_token'))
        destroyed = res.destroyed
      }
      const outcome = await get(base).then(() => 'completed', (err: NodeJS.ErrnoException) => err.code ?? err.message)
      expect(destroyed).to.equal(true)
      expect(outcome).not.to.equal(undefined)
    })

    it('does nothing to a response that has ended', async () => {
      handler = (_req, res) => {
        res.end('done')
        writeAuthError(res, new AuthError('invalid_token'))
      }
      const answer = await get(base)
      expect(answer).to.deep.include({ status: 200, body: 'done' })
    })
  })

  describe('on an upgrade socket', () => {
    let server: http.Server
    let port: number
    let onUpgrade: (socket: Duplex) => void
    before(async () => {
      server = http.createServer((_req, res) => res.end())
      server.on('upgrade', (_req: IncomingMessage, socket: Duplex) => onUpgrade(socket))
      await listen(server)
      port = (server.address() as AddressInfo).port
    })
    after(() => close(server))

    it('writes a minimal HTTP/1.1 answer with Connection: close, then closes', async () => {
      onUpgrade = (socket) => writeAuthError(socket, new AuthError('invalid_token', 'The token is invalid'), { realm: 'ws' })
      const raw = await rawUpgrade(port)
      const [head, body] = raw.split('\r\n\r\n') as [string, string]
      const [statusLine, ...headerLines] = head.split('\r\n')
      expect(statusLine).to.equal('HTTP/1.1 401 Unauthorized')
      const headers = Object.fromEntries(headerLines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 2)]))
      expect(headers).to.include({
        connection: 'close',
        'cache-control': 'no-store',
        'www-authenticate': 'Bearer realm="ws", error="invalid_token", error_description="The token is invalid"',
        'content-length': String(Buffer.byteLength(body)),
      })
      expect(headers['content-type']).to.match(/^application\/json/)
      expect(JSON.parse(body)).to.deep.equal({ error: 'invalid_token', error_description: 'The token is invalid' })
    })

    it('writes 403 and 503 with their reason phrases', async () => {
      onUpgrade = (socket) => writeAuthError(socket, new AuthError('origin_not_allowed'))
      expect(await rawUpgrade(port)).to.match(/^HTTP\/1\.1 403 Forbidden\r\n/)
      onUpgrade = (socket) => writeAuthError(socket, new AuthError('server_busy'))
      expect(await rawUpgrade(port)).to.match(/^HTTP\/1\.1 503 Service Unavailable\r\n/)
    })

    it('never throws on a socket that is already gone', () => {
      const gone = new PassThrough()
      gone.destroy()
      expect(() => writeAuthError(gone, new AuthError('invalid_token'))).not.to.throw()
      const ended = new PassThrough()
      ended.end()
      expect(() => writeAuthError(ended, new AuthError('invalid_token'))).not.to.throw()
      expect(ended.destroyed).to.equal(true)
    })

    it('destroys a socket whose write throws', () => {
      const broken = new Duplex({ read() {}, write(_c, _e, cb) { cb() } })
      broken.end = () => {
        throw new Error('broken')
      }
      expect(() => writeAuthError(broken, new AuthError('invalid_token'))).not.to.throw()
      expect(broken.destroyed).to.equal(true)
    })
  })
})

describe('errorBody', () => {
  it('is { error, error_description } and never more', () => {
    const err = new AuthError('invalid_request', 'The credentials are malformed', { cause: new Error('detail') })
    expect(errorBody(err)).to.deep.equal({ error: 'invalid_request', error_description: 'The credentials are malformed' })
  })
})
