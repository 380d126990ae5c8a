import { createPublicKey, createSecretKey, KeyObject, X509Certificate } from 'node:crypto'
import type { VerificationKey } from './options.js'
import { MIN_SECRET_BYTES, HMAC_ALGORITHMS } from './algorithms.js'

// Passing a public key as an HMAC secret is the classic algorithm-confusion mistake: anyone holding
// the (public) key could then mint HS256 tokens. These are the forms a public key is copied in.
const PEM_OR_SSH = /-----BEGIN |^\s*(ssh-(rsa|ed25519|dss) |ecdsa-sha2-|sk-ssh-)/
const BASE64_TEXT = /^[A-Za-z0-9+/_\-\s]+={0,2}\s*$/
const DER_TYPES = ['spki', 'pkcs1'] as const

function isJwkText(text: string): boolean {
  if (!/^\s*\{/.test(text)) return false
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && typeof (value as { kty?: unknown }).kty === 'string'
  } catch {
    return false
  }
}

function isDerPublicKey(der: Buffer): boolean {
  // An ASN.1 SEQUENCE starts with 0x30; random secret bytes almost never parse as a key or certificate.
  if (der.length < 32 || der[0] !== 0x30) return false
  for (const type of DER_TYPES) {
    try {
      createPublicKey({ key: der, format: 'der', type })
      return true
    } catch {
      // not this encoding
    }
  }
  try {
    new X509Certificate(der)
    return true
  } catch {
    return false
  }
}

/**
 * True when `bytes` hold a public key or certificate in a form people paste: PEM (anywhere in the
 * text, any line endings), an OpenSSH public key, JWK JSON (any member order), SPKI/PKCS#1/X.509
 * DER, or the base64 of that DER (a PEM body, an `x5c` entry).
 */
export function looksLikePublicKey(bytes: Buffer): boolean {
  const text = bytes.toString('latin1')
  if (PEM_OR_SSH.test(text) || isJwkText(text) || isDerPublicKey(bytes)) return true
  return BASE64_TEXT.test(text) && isDerPublicKey(Buffer.from(text.replace(/[-_]/g, (c) => (c === '-' ? '+' : '/')), 'base64'))
}

function secretBytes(input: unknown, name: string): Buffer {
  if (typeof input === 'string') return Buffer.from(input, 'utf8')
  if (input instanceof Uint8Array) return Buffer.from(input)
  if (input instanceof KeyObject) {
    if (input.type !== 'secret') throw new TypeError(`"${name}" must be a secret KeyObject, not a ${input.type} key`)
    return input.export()
  }
  throw new TypeError(`"${name}" must be a string, a Uint8Array or a secret KeyObject`)
}

/**
 * Imports one HMAC secret (a UTF-8 string, bytes, or a secret `KeyObject`) into a `KeyObject`
 * bound to HS256/384/512. Throws a TypeError/RangeError naming `name` when it is unusable, and
 * when it is a public key in any common encoding (see {@link looksLikePublicKey}).
 */
export function importSecret(input: unknown, name: string, kid: string): VerificationKey {
  const bytes = secretBytes(input, name)
  if (looksLikePublicKey(bytes)) {
    throw new TypeError(`"${name}" looks like a public key or certificate, not an HMAC secret; configure public keys in "publicKeys"`)
  }
  if (bytes.length < MIN_SECRET_BYTES) throw new RangeError(`"${name}" must be at least ${MIN_SECRET_BYTES} bytes`)
  const key = input instanceof KeyObject ? input : createSecretKey(bytes)
  return Object.freeze({ kid, key, algorithms: HMAC_ALGORITHMS })
}

/** Imports every secret of a `secrets` record, keyed by `kid`. */
export function importSecrets(record: unknown, name: string): VerificationKey[] {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new TypeError(`"${name}" must be an object of secrets by kid`)
  }
  return Object.entries(record).map(([kid, input]) => importSecret(input, `${name}.${kid}`, kid))
}
