// A throw-away self-signed certificate for 127.0.0.1, made with the system's openssl: Node can
// generate keys but not X.509 certificates.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestCertificate {
  /** PEM private key, for `https.createServer({ key, cert })`. */
  readonly key: string
  /** PEM certificate; clients pass it as `ca` to trust this server only. */
  readonly cert: string
}

/** A fresh P-256 key and a one-day certificate for `127.0.0.1` and `localhost`. */
export function selfSignedCertificate(): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'hivegate-tls-'))
  try {
    const keyPath = join(dir, 'key.pem')
    const certPath = join(dir, 'cert.pem')
    const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1']
    args.push('-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', keyPath, '-out', certPath)
    try {
      execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] })
    } catch (err) {
      throw new Error(`the TLS tests need the openssl command to make a test certificate: ${(err as Error).message}`)
    }
    return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8') }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
