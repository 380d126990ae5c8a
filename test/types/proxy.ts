// Compile-only checks of @hivegate/proxy: gateway options and the connect-style middleware.
import http from 'node:http'
import express from 'express'
import { authProxy, createGateway, type AuthProxy, type AuthProxyOptions, type RouteRule } from '@hivegate/proxy'

const routes: RouteRule[] = [
  { path: '/public/*', public: true },
  { path: '/realms/:realm/*', methods: ['GET'], permission: [':realm', '*', 'R'] },
  { path: '/providers/:realm/rides/:id', dataProvider: [':realm', 'deliveryRides/:id'] },
]
const options: AuthProxyOptions = {
  target: 'http://127.0.0.1:4000',
  auth: { issuer: 'platform.example', keys: { secrets: { 'kid-1': 'a'.repeat(32) } } },
  routes,
  identityHeaders: { subject: 'x-user', tenant: false },
  stripCredentials: { cookie: true, authorization: false },
  websocket: { maxRelays: 100, quarantine: { quarantineTimeout: 5000 } },
  proxy: { xfwd: true, pathRewrite: { '^/api': '' } },
}
const gw: AuthProxy = authProxy(options)
const server = http.createServer(gw.middleware)
server.on('upgrade', gw.upgrade)
express().use('/api', gw.middleware)
createGateway({ ...options, limits: { maxConnections: 100 } })

// @ts-expect-error: target is required
authProxy({ auth: options.auth })
// @ts-expect-error: auth options are required
authProxy({ target: 'http://127.0.0.1:4000' })
// @ts-expect-error: timeout is a number of milliseconds
authProxy({ ...options, timeout: '30s' })
// @ts-expect-error: preflight is 'authenticate' or 'pass'
authProxy({ ...options, preflight: 'skip' })
// @ts-expect-error: a permission rule is [realm, object, action]
authProxy({ ...options, routes: [{ path: '/x', permission: ['realm', 'object'] }] })
// @ts-expect-error: the proxy's own target is set by hivegate's `target`
authProxy({ ...options, proxy: { target: 'http://elsewhere' } })
