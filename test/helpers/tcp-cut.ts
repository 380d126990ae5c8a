// A TCP relay in front of a server that a test can cut (every connection dropped, new ones refused)
// and restore: one instance losing its network path while the others keep theirs.
import { connect, createServer, type Server, type Socket } from 'node:net'

export interface TcpCut {
  readonly port: number
  cut(): void
  restore(): void
  close(): Promise<void>
}

export async function startTcpCut(targetPort: number): Promise<TcpCut> {
  const sockets = new Set<Socket>()
  let open = true
  const server: Server = createServer((client) => {
    if (!open) return void client.destroy()
    const upstream = connect(targetPort, '127.0.0.1')
    for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
      sockets.add(a)
      a.on('error', () => b.destroy())
      a.on('close', () => {
        sockets.delete(a)
        b.destroy()
      })
      a.pipe(b)
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as { port: number }).port,
    cut() {
      open = false
      for (const socket of sockets) socket.destroy()
    },
    restore() {
      open = true
    },
    async close() {
      open = false
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
