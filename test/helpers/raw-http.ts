// Raw HTTP/1.1 over a fresh socket, for bytes an HTTP client library will not send or would normalise.
import { connect } from 'node:net'

/** Writes `head` (request line and headers, as given) to 127.0.0.1 at `base`'s port; resolves to all bytes read until the close. */
export function rawExchange(base: string, head: string): Promise<string> {
  const { port } = new URL(base)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1')
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')))
    // write, not end: every request asks the server to close, and a half-closed client is one a proxy may drop.
    socket.write(Buffer.from(head, 'utf8'))
  })
}
