/** Close codes a peer may send (RFC 6455 §7.4; 1005, 1006 and 1015 are only ever reported). */
export function isSendableCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999)
}

/** 1014 Bad Gateway: what the client sees when the upstream vanished or could not be reached. */
export const CLOSE_BAD_GATEWAY = 1014
/** 1001 Going Away: what the upstream sees when the client vanished. */
export const CLOSE_GOING_AWAY = 1001

/**
 * The code to send on one side after the other closed with `code`: sendable codes pass through,
 * "no status" (1005) becomes 1000, and an abnormal end becomes `abnormal`.
 */
export function forwardCloseCode(code: number, abnormal: number): number {
  if (isSendableCloseCode(code)) return code
  if (code === 1005) return 1000
  return abnormal
}

// One rule for close reasons, @hivegate/ws's: cut to 123 bytes on a character boundary.
export { closeReason } from '@hivegate/ws'
