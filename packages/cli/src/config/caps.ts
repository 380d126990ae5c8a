import { MAX_CLOCK_TOLERANCE, MAX_TOKEN_LENGTH_LIMIT } from '@hivegate/core/internal'

const KIB = 1024
const MIB = 1024 * KIB
const DAY = 86_400

/**
 * Largest value each size, count or time key of hivegate.yml accepts (seconds for durations).
 * These bound what one client can make the gateway hold or wait for; a larger value is a typo or
 * an attack surface, never a need. Core's own limits are reused where it has them.
 */
export const CONFIG_CAPS = Object.freeze({
  'auth.maxTokenLength': MAX_TOKEN_LENGTH_LIMIT,
  'auth.clockTolerance': MAX_CLOCK_TOLERANCE,
  'auth.throttle.maxFailures': 10_000,
  'auth.throttle.window': DAY,
  'auth.throttle.maxKeys': 1_000_000,
  'auth.dpop.maxProofLength': 64 * KIB,
  'auth.dpop.maxReplayEntries': 1_000_000,
  'auth.dpop.nonce.rotation': DAY,
  'upstream.timeout': 3600,
  'limits.maxHeaderSize': 64 * KIB,
  'limits.headersTimeout': 300,
  'limits.requestTimeout': 3600,
  'limits.maxConnections': 1_000_000,
  'limits.maxMessageSize': 16 * MIB,
  'limits.maxPendingBytes': 64 * MIB,
  'limits.maxRelays': 1_000_000,
  'limits.quarantineTimeout': 300,
  'limits.maxAuthAttempts': 100,
  'limits.maxQuarantined': 1_000_000,
})

/** A key of {@link CONFIG_CAPS}. */
export type CappedKey = keyof typeof CONFIG_CAPS
