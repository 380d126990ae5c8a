// Opens many WebSocket connections from one process and, on request, authenticates each with an
// auth message (`Bearer <token>`), timing until every success reply has arrived.
import { WebSocket } from 'ws'
import { performance } from 'node:perf_hooks'

let sockets = []

async function connect({ port, connections, inFlight }) {
  const start = performance.now()
  let next = 0
  let failed = 0
  async function worker() {
    while (next < connections) {
      next++
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false })
      const ok = await new Promise((resolve) => {
        ws.once('open', () => resolve(true))
        ws.once('error', () => resolve(false))
      })
      if (ok) sockets.push(ws)
      else failed++
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker))
  return { ms: performance.now() - start, open: sockets.length, failed }
}

async function authenticate({ tokens }) {
  const start = performance.now()
  let failures = 0
  await Promise.all(
    sockets.map(
      (ws, i) =>
        new Promise((resolve) => {
          ws.once('message', (data) => {
            if (!String(data).includes('"res":"suc"')) failures++
            resolve()
          })
          ws.once('close', resolve)
          ws.send(`Bearer ${tokens[i % tokens.length]}`)
        }),
    ),
  )
  return { ms: performance.now() - start, failures }
}

function closeAll() {
  for (const ws of sockets) ws.terminate()
  sockets = []
  return { closed: true }
}

process.on('message', async (message) => {
  try {
    if (message.cmd === 'connect') process.send(await connect(message))
    else if (message.cmd === 'auth') process.send(await authenticate(message))
    else if (message.cmd === 'close') process.send(closeAll())
  } catch (error) {
    process.send({ error: String(error?.stack ?? error) })
  }
})
process.on('disconnect', () => process.exit(0))
