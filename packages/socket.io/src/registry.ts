import type { ConnectionRegistry, TrackedConnection } from '@hivegate/core'
import type { Socket } from 'socket.io'
import type { Failure } from './wire.js'

export type { ConnectionFilter } from '@hivegate/core'

/** What the registry needs of a socket's session. */
export type Tracked = TrackedConnection<Socket, Failure>

/** The sockets of one handler (core's registry, with this package's failures). */
export type Registry = ConnectionRegistry<Socket, Failure>
