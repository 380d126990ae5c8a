// Value of each base64url character (RFC 4648 §5) by char code, or 255 for anything else.
const VALUE = new Uint8Array(256).fill(255)
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i

/**
 * True when `text[start, end)` is canonical unpadded base64url: only `A–Z a–z 0–9 - _`, a length
 * that is not 1 mod 4, and zero bits after the last byte (so every byte string has one encoding).
 */
export function isBase64url(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i)
    if (code > 255 || VALUE[code] === 255) return false
  }
  return isCanonicalTail(text, start, end)
}

/** The length and final-character checks of {@link isBase64url}, for a range already known to hold only base64url characters. */
export function isCanonicalTail(text: string, start: number, end: number): boolean {
  const rest = (end - start) & 3
  if (rest === 0) return true
  if (rest === 1) return false
  const last = VALUE[text.charCodeAt(end - 1)]!
  // Two trailing chars carry one byte (low 4 bits unused), three carry two (low 2 bits unused).
  return (last & (rest === 2 ? 0x0f : 0x03)) === 0
}

/** base64url without padding. */
export function encodeBase64url(input: string | Uint8Array): string {
  return (typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input.buffer, input.byteOffset, input.byteLength)).toString('base64url')
}
