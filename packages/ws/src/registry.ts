import type { ConnectionRegistry, TrackedConnection } from '@hivegate/core'
import type { Closing } from './close-codes.js'

export type { ConnectionFilter } from '@hivegate/core'

/** What the registry needs of a connection. */
export type Tracked<H> = TrackedConnection<H, Closing>

/** The connections of one handler (core's registry, with this package's closings). */
export type Registry<H> = ConnectionRegistry<H, Closing>
