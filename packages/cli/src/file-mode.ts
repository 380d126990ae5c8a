import { statSync } from 'node:fs'

/**
 * A warning when a file holding a secret or private key can be read by other users (POSIX modes
 * only), or undefined. `shown` is the name as the user wrote it.
 */
export function exposedSecretWarning(path: string, shown: string): string | undefined {
  if (process.platform === 'win32') return undefined
  let mode: number
  try {
    mode = statSync(path).mode
  } catch {
    return undefined
  }
  if ((mode & 0o077) === 0) return undefined
  return `warning: ${shown} holds a secret but is readable by other users (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); run: chmod 600 ${shown}`
}
