// The DPoP interop cases every HTTP adapter passes: proofs made by oauth4webapi over a real socket.
import { expect } from 'chai'
import * as oauth from 'oauth4webapi'
import type { DpopOptions } from '@hivegate/core'
import { mint } from './tokens.js'

/** A running app that answers `/things/:id` with `{ source, subject }` of its AuthContext. */
export interface DpopServer {
  start(): Promise<string>
  stop(): Promise<void>
}

/** Runs the interop cases against servers made by `serve` (one with nonces, one without). */
export function describeDpopInterop(name: string, key: string, serve: (dpop: DpopOptions) => DpopServer): void {
  describe(`${name}: DPoP interop with oauth4webapi over a real socket`, () => {
    const required = serve({ mode: 'required' })
    const withNonce = serve({ mode: 'required', nonce: true })
    const client = { client_id: 'hivegate-test' }
    let url: string
    let nonceUrl: string
    let keyPair: CryptoKeyPair
    let token: string

    before(async () => {
      keyPair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair
      token = await mint({ key, claims: { cnf: { jkt: await oauth.DPoP(client, keyPair).calculateThumbprint() } } })
      url = await required.start()
      nonceUrl = await withNonce.start()
    })
    after(async () => {
      await required.stop()
      await withNonce.stop()
    })

    const call = (handle: oauth.DPoPHandle, method: string, target: string) =>
      oauth.protectedResourceRequest(token, method, new URL(target), new Headers(), method === 'GET' ? null : '{}', {
        DPoP: handle,
        [oauth.allowInsecureRequests]: true,
      })

    it('accepts its proofs, GET and POST, with a query string', async () => {
      const handle = oauth.DPoP(client, keyPair)
      for (const method of ['GET', 'POST']) {
        const response = await call(handle, method, `${url}/things/1?page=2`)
        expect(response.status, method).to.equal(200)
        expect(await response.json()).to.deep.equal({ source: 'dpop', subject: 'johndoe' })
      }
    })

    it('follows a server nonce: use_dpop_nonce, then the retry with the nonce passes', async () => {
      const handle = oauth.DPoP(client, keyPair)
      let err: unknown
      try {
        await call(handle, 'GET', `${nonceUrl}/things/1`)
      } catch (e) {
        err = e
      }
      expect(oauth.isDPoPNonceError(err)).to.equal(true)
      expect((await call(handle, 'GET', `${nonceUrl}/things/1`)).status).to.equal(200)
    })

    it('a bound token sent as Bearer is refused with a DPoP challenge and no-store', async () => {
      const response = await fetch(`${url}/things/1`, { headers: { authorization: `Bearer ${token}` } })
      expect(response.status).to.equal(401)
      expect(response.headers.get('www-authenticate')).to.match(/^DPoP error="invalid_token", error_description="[^"]+", algs="/)
      expect(response.headers.get('cache-control')).to.equal('no-store')
      await response.arrayBuffer()
    })
  })
}
