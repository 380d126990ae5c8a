// Compile-only checks of @hivegate/socket.io: io.use() with plain and typed servers, options, guards.
import http from 'node:http'
import { Server } from 'socket.io'
import type { AuthContext } from '@hivegate/core'
import { createSocketAuth, requirePermission, type SocketAuth, type SocketAuthOptions, type SocketData } from '@hivegate/socket.io'

const keys = { secrets: { 'kid-1': 'a'.repeat(32) } }
const socketAuth: SocketAuth = createSocketAuth({ issuer: 'platform.example', keys, quarantine: true })

const io = new Server(http.createServer())
io.use(socketAuth.middleware)
io.of('/admin').use(socketAuth.middleware)

// A server typed with hivegate's SocketData reads socket.data.auth as an AuthContext.
interface ClientEvents { 'ride:update': (ride: { id: string }) => void }
const typed = new Server<ClientEvents, Record<string, never>, Record<string, never>, SocketData>()
typed.use(socketAuth.middleware)
typed.on('connection', (socket) => {
  const auth: AuthContext | undefined = socket.data.auth
  void auth
  const same: AuthContext | undefined = socketAuth.authOf(socket)
  void same
})

const closed: number = socketAuth.closeWhere({ tenant: 'tenant-1' }, 'Access withdrawn')
void closed

const options: SocketAuthOptions = {
  issuer: 'platform.example',
  keys,
  events: { 'ride:update': requirePermission('london', ({ args }) => `deliveryRides/${String((args[0] as { id?: string })?.id)}`, 'U') },
  unlistedEvents: 'deny',
  onTrusted: (socket, auth) => void socket.join(`tenant:${auth.tenant ?? ''}`),
}
// @ts-expect-error: quarantineTimeout is a number of milliseconds
createSocketAuth({ ...options, quarantineTimeout: '10s' })
// @ts-expect-error: quarantine is a boolean
createSocketAuth({ ...options, quarantine: 'yes' })
// @ts-expect-error: unlistedEvents is 'allow' or 'deny'
createSocketAuth({ ...options, unlistedEvents: 'block' })
// @ts-expect-error: closeWhere takes a filter
socketAuth.closeWhere('johndoe')
