import { randomBytes } from 'node:crypto'

// HiveMP echoes no `state`, but accepts any redirect URI below the website URL: the per-login value
// rides in the path instead, as the last segment below the configured redirect URI.

const KEY = /^[A-Za-z0-9_-]{1,64}$/

/** A fresh per-login value: 192 random bits, URL-safe. */
export function newCallbackKey(): string {
  return randomBytes(24).toString('base64url')
}

/** `redirectUri` with `key` appended as one more path segment; its query, if any, kept. */
export function keyedRedirectUri(redirectUri: URL, key: string): string {
  const url = new URL(redirectUri)
  url.pathname = `${url.pathname}/${key}`
  return url.href
}

/** True for `<callbackPath>` itself or one segment below it: the paths the keyed callback answers. */
export function isKeyedCallbackPath(path: string, callbackPath: string): boolean {
  if (path === callbackPath) return true
  return path.startsWith(`${callbackPath}/`) && !path.slice(callbackPath.length + 1).includes('/')
}

/** The per-login value in `path`, or undefined when the path carries none (or not one we mint). */
export function callbackKeyOf(path: string, callbackPath: string): string | undefined {
  if (!path.startsWith(`${callbackPath}/`)) return undefined
  const key = path.slice(callbackPath.length + 1)
  return KEY.test(key) ? key : undefined
}
