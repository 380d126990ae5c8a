// One HTTP server under test, in its own process. The parent sends { kind, key } over IPC; this
// process answers { port } once listening on 127.0.0.1, and { cpu } (process.cpuUsage) on request.
import http from 'node:http'
import { reviveKey, ISSUER, AUDIENCE } from '../lib/fixtures.js'
import { createFloor } from '../lib/floor.js'
import { verifierOptions, REVOKED_JTI } from '../lib/hivegate.js'

const BODY = 'ok'

function bearer(req) {
  const value = req.headers.authorization
  return typeof value === 'string' && value.startsWith('Bearer ') ? value.slice(7) : undefined
}

function nodeServer(check) {
  return http.createServer((req, res) => {
    if (check) {
      const token = bearer(req)
      try {
        if (token === undefined) throw new Error('no token')
        check(token)
      } catch {
        res.statusCode = 401
        res.end()
        return
      }
    }
    res.end(BODY)
  })
}

async function expressServer(kind, key) {
  const { default: express } = await import('express')
  const app = express()
  const publicPem = !key || key.alg === 'HS256' ? undefined : key.verifyKey.export({ format: 'pem', type: 'spki' })
  if (kind === 'express-jwt') {
    const { expressjwt } = await import('express-jwt')
    // A prebuilt KeyObject: jsonwebtoken otherwise re-parses the key on every request.
    app.use(expressjwt({ secret: key.verifyKey, algorithms: [key.alg], issuer: ISSUER, audience: AUDIENCE }))
  } else if (kind === 'express-oauth2') {
    const { auth } = await import('express-oauth2-jwt-bearer')
    const keyOption = publicPem ? { publicKey: publicPem } : { secret: key.secret.toString() }
    app.use(auth({ issuer: ISSUER, audience: AUDIENCE, tokenSigningAlg: key.alg, ...keyOption }))
  } else if (kind === 'express-floor') {
    const floor = createFloor(key.alg, key.verifyKey)
    app.use((req, res, next) => {
      try {
        req.auth = floor(bearer(req))
      } catch {
        return res.status(401).end()
      }
      next()
    })
  } else if (kind.startsWith('express-hg')) {
    const { hivegate } = await import('@hivegate/express')
    app.use(hivegate(await hivegateOptions(kind, key)))
  }
  app.get('/', (req, res) => res.send(BODY))
  return http.createServer(app)
}

async function koaServer(kind, key) {
  const { default: Koa } = await import('koa')
  const app = new Koa()
  if (kind === 'koa-jwt') {
    const { default: koaJwt } = await import('koa-jwt')
    app.use(koaJwt({ secret: key.verifyKey, algorithms: [key.alg], issuer: ISSUER, audience: AUDIENCE }))
  } else if (kind === 'koa-floor') {
    const floor = createFloor(key.alg, key.verifyKey)
    app.use((ctx, next) => {
      try {
        ctx.state.auth = floor(bearer(ctx.req))
      } catch {
        ctx.status = 401
        return
      }
      return next()
    })
  } else if (kind.startsWith('koa-hg')) {
    const { hivegate } = await import('@hivegate/koa')
    app.use(hivegate(await hivegateOptions(kind, key)))
  }
  app.use((ctx) => {
    ctx.body = BODY
  })
  return http.createServer(app.callback())
}

async function fastifyServer(kind, key) {
  const { default: Fastify } = await import('fastify')
  // Fastify serves through the server the harness listens on, with its own request handler.
  const app = Fastify({ serverFactory: (handler) => http.createServer(handler) })
  if (kind === 'fastify-floor') {
    const floor = createFloor(key.alg, key.verifyKey)
    app.decorateRequest('auth', undefined)
    app.addHook('onRequest', (request, reply, done) => {
      try {
        request.auth = floor(bearer(request.raw))
      } catch {
        return reply.code(401).send()
      }
      done()
    })
  } else if (kind.startsWith('fastify-hg')) {
    const { hivegate } = await import('@hivegate/fastify')
    await app.register(hivegate, await hivegateOptions(kind, key))
  }
  app.get('/', (_request, reply) => reply.send(BODY))
  await app.ready()
  return app.server
}

// A verifier built once, its revocation list non-empty so every cache hit really checks it.
async function hivegateOptions(kind, key) {
  const { createVerifier } = await import('@hivegate/core')
  const verifier = createVerifier(verifierOptions(key, kind.endsWith('-cache') ? {} : { cache: false }))
  verifier.revocations.revoke(REVOKED_JTI)
  return { verifier }
}

async function build(kind, key) {
  if (kind === 'http-bare') return nodeServer()
  if (kind === 'http-floor') return nodeServer(createFloor(key.alg, key.verifyKey))
  if (kind === 'http-fastjwt') {
    const { createVerifier } = await import('fast-jwt')
    const fastKey = key.alg === 'HS256' ? key.secret : key.verifyKey.export({ format: 'pem', type: 'spki' })
    return nodeServer(createVerifier({ key: fastKey, algorithms: [key.alg], allowedIss: ISSUER, allowedAud: AUDIENCE, cache: false }))
  }
  if (kind.startsWith('express')) return expressServer(kind, key)
  if (kind.startsWith('koa')) return koaServer(kind, key)
  if (kind.startsWith('fastify')) return fastifyServer(kind, key)
  throw new Error(`unknown server kind ${kind}`)
}

process.on('message', async (message) => {
  if (message.cmd === 'start') {
    try {
      const server = await build(message.kind, message.key ? reviveKey(message.key) : undefined)
      server.keepAliveTimeout = 60_000
      server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }))
    } catch (error) {
      process.send({ error: String(error?.stack ?? error) })
    }
  } else if (message.cmd === 'cpu') {
    process.send({ cpu: process.cpuUsage(), memory: process.memoryUsage().rss })
  }
})
process.on('disconnect', () => process.exit(0))
