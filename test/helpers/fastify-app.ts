// Serving a Fastify app in the shared suites: as a request listener for supertest, or listening itself.
import type { AddressInfo } from 'node:net'
import type { RequestListener } from 'node:http'
import type { FastifyInstance } from 'fastify'

/**
 * The app as a Node request listener, for supertest (which serves it on 127.0.0.1 port 0):
 * requests wait for `app.ready()`, then go through Fastify's whole pipeline (`app.routing`).
 */
export function asListener(app: FastifyInstance): RequestListener {
  // Settled at once, so a failed boot is reported to the first request, never as an unhandled rejection.
  const ready = app.ready().then(
    () => undefined,
    (err: unknown) => err,
  )
  return (req, res) => {
    void ready.then((err) => {
      if (err === undefined) return app.routing(req, res)
      res.statusCode = 500
      res.end(String(err))
    })
  }
}

/** The app listening on 127.0.0.1 port 0 through `app.listen`, closed by `stop` (`app.close`). */
export function asSelfListening(app: FastifyInstance): { start(): Promise<string>; stop(): Promise<void> } {
  return {
    async start() {
      await app.listen({ port: 0, host: '127.0.0.1' })
      return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
    },
    stop: () => app.close(),
  }
}
