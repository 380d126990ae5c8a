// Real servers on 127.0.0.1, port 0, and a close that waits for every socket.
import type { Server } from 'node:http'
import type { AddressInfo, Server as NetServer } from 'node:net'

/** Listens on 127.0.0.1 with a free port; resolves to the base URL `http://127.0.0.1:PORT`. */
export async function listen(server: Server | NetServer): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  return `http://127.0.0.1:${port}`
}

/** Closes a server, dropping kept-alive connections so `after` hooks do not hang. */
export async function close(server: Server | NetServer): Promise<void> {
  if (!server.listening) return
  const http = server as Server
  await new Promise<void>((resolve) => {
    server.close(() => resolve())
    if (typeof http.closeAllConnections === 'function') http.closeAllConnections()
  })
}

/** Rejections as values: fails the test if `promise` resolves. */
export async function rejects(promise: Promise<unknown>): Promise<any> {
  try {
    await promise
  } catch (err) {
    return err
  }
  throw new Error('expected a rejection, but the promise resolved')
}
