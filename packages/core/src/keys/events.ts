import { debuglog } from 'node:util'

const debug = debuglog('hivegate:jwks')

/** Sends a key event to the `onEvent` hook and to `NODE_DEBUG=hivegate:jwks`. */
export type EventSink = (event: VerifierEvent) => void

/** A sink that never lets a throwing hook break a verification. Events never carry key material. */
export function createEventSink(onEvent: ((event: VerifierEvent) => void) | undefined): EventSink {
  return (event) => {
    debug('%s %j', event.type, event)
    if (onEvent === undefined) return
    try {
      onEvent(event)
    } catch (err) {
      debug('onEvent hook threw: %s', err instanceof Error ? err.message : String(err))
    }
  }
}

/** Debug output for things that are not events (skipped keys, lookup results dropped). */
export const debugKeys = debug

/** Something worth logging that happened outside any one request. Never carries a token or key. */
export type VerifierEvent =
  | { type: 'jwks_fetched'; url: string; keys: number }
  | { type: 'jwks_fetch_failed'; url: string; error: string }
  | { type: 'jwks_stale'; url: string; age: number }
  | { type: 'jwks_cooldown'; url: string; kid: string | undefined }
