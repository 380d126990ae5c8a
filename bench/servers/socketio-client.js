// Opens many socket.io connections from one process, each passing its token as handshake.auth,
// and times until every one is connected; then closes them on request.
import { io } from 'socket.io-client'
import { performance } from 'node:perf_hooks'

let sockets = []

async function connect({ port, tokens, inFlight }) {
  const start = performance.now()
  let next = 0
  let failed = 0
  async function worker() {
    while (next < tokens.length) {
      const token = tokens[next++]
      const socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token } })
      const ok = await new Promise((resolve) => {
        socket.once('connect', () => resolve(true))
        socket.once('connect_error', () => resolve(false))
      })
      if (ok) sockets.push(socket)
      else failed++
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker))
  return { ms: performance.now() - start, open: sockets.length, failed }
}

function closeAll() {
  for (const socket of sockets) socket.disconnect()
  sockets = []
  return { closed: true }
}

process.on('message', async (message) => {
  try {
    if (message.cmd === 'connect') process.send(await connect(message))
    else if (message.cmd === 'close') process.send(closeAll())
  } catch (error) {
    process.send({ error: String(error?.stack ?? error) })
  }
})
process.on('disconnect', () => process.exit(0))
