import { createServer } from 'node:https'
import { expect } from 'chai'
import request from 'supertest'
import type { Request, Response } from 'express'
import { close, listen } from '../../../test/helpers/listen.js'
import { selfSignedCertificate, type TestCertificate } from '../../../test/helpers/tls.js'
import { toRequestView } from '../src/request-view.js'
import { EXPRESS_HOSTS } from './express-hosts.js'

// The view's scheme must be the one the app sees in req.protocol, header or not, trusted or not.
const answer = (req: Request, res: Response) => {
  res.json({ view: toRequestView(req).protocol, express: req.protocol })
}

const HEADERS: ReadonlyArray<Record<string, string>> = [
  {},
  { 'X-Forwarded-Proto': 'https' },
  { 'X-Forwarded-Proto': 'http' },
  { 'X-Forwarded-Proto': 'https, http' },
  { 'X-Forwarded-Proto': '' },
]

for (const [name, express] of EXPRESS_HOSTS) {
  describe(`${name}: request view protocol`, () => {
    let certificate: TestCertificate
    const servers: ReturnType<typeof createServer>[] = []
    before(() => {
      certificate = selfSignedCertificate()
    })
    after(async () => {
      await Promise.all(servers.map((s) => close(s)))
    })

    function app(trust: boolean) {
      const built = express()
      if (trust) built.set('trust proxy', true)
      built.get('/', answer)
      return built
    }

    for (const trust of [false, true]) {
      it(`matches req.protocol over plain http (trust proxy ${trust})`, async () => {
        for (const headers of HEADERS) {
          const res = await request(app(trust)).get('/').set(headers)
          expect(res.body.view, JSON.stringify(headers)).to.equal(res.body.express)
        }
        expect((await request(app(trust)).get('/')).body.view).to.equal('http')
        expect((await request(app(trust)).get('/').set('X-Forwarded-Proto', 'https')).body.view).to.equal(trust ? 'https' : 'http')
      })

      it(`matches req.protocol over TLS (trust proxy ${trust})`, async () => {
        const server = createServer(certificate, app(trust))
        servers.push(server)
        const url = (await listen(server)).replace('http:', 'https:')
        for (const headers of HEADERS) {
          const res = await request(url).get('/').ca(certificate.cert).set(headers)
          expect(res.body.view, JSON.stringify(headers)).to.equal(res.body.express)
        }
        expect((await request(url).get('/').ca(certificate.cert)).body.view).to.equal('https')
        expect((await request(url).get('/').ca(certificate.cert).set('X-Forwarded-Proto', 'http')).body.view).to.equal(trust ? 'http' : 'https')
      })
    }

    it('asks req.protocol whenever X-Forwarded-Proto is there', async () => {
      const custom = express()
      custom.use((req, _res, next) => {
        Object.defineProperty(req, 'protocol', { value: 'https' })
        next()
      })
      custom.get('/', answer)
      expect((await request(custom).get('/').set('X-Forwarded-Proto', 'http')).body.view).to.equal('https')
    })
  })
}
