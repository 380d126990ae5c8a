import { dataProviderGuard, permissionGuard } from '@hivegate/core'
import type { AuthContext, GuardArgument } from '@hivegate/core'
import type { Socket } from 'socket.io'

/** What a guard argument function reads: the socket, the event name and its arguments (without the ack). */
export interface EventRequest {
  readonly socket: Socket
  readonly event: string
  readonly args: readonly unknown[]
}

/** A check run before an event reaches the application; throws an AuthError to refuse it. */
export type EventGuard = (auth: AuthContext | undefined, request: EventRequest) => void

/**
 * Lets an event through only if the socket's token (`per`) grants `action` on `object` in
 * `realm`; each argument is a string or a function of the {@link EventRequest}. Used as a value
 * of the `events` option.
 *
 * @example
 * ```ts
 * createSocketAuth({ ...options, events: {
 *   'ride:update': requirePermission('london', ({ args }) => `deliveryRides/${(args[0] as { id: string }).id}`, 'U'),
 * } })
 * ```
 */
export function requirePermission(
  realm: GuardArgument<EventRequest>,
  object: GuardArgument<EventRequest>,
  action: GuardArgument<EventRequest>,
): EventGuard {
  return permissionGuard<EventRequest>(realm, object, action)
}

/**
 * Lets an event through only if the socket's token (`dpv`) lists `object` in `realm`.
 *
 * @example
 * ```ts
 * createSocketAuth({ ...options, events: { 'rider:position': requireDataProvider('london', 'deliveryRiders/7') } })
 * ```
 */
export function requireDataProvider(realm: GuardArgument<EventRequest>, object: GuardArgument<EventRequest>): EventGuard {
  return dataProviderGuard<EventRequest>(realm, object)
}
