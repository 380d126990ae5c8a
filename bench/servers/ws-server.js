// WebSocket server under test, in its own process (run with --expose-gc): 'plain' ws, or ws behind
// hivegate's attachAuth with token-less connections in quarantine. Answers over IPC.
import http from 'node:http'
import { WebSocketServer } from 'ws'
import { reviveKey } from '../lib/fixtures.js'
import { verifierOptions } from '../lib/hivegate.js'

let server
let wss
let auth

async function start({ mode, key, connections }) {
  server = http.createServer((req, res) => res.writeHead(404).end())
  wss = new WebSocketServer({ noServer: true })
  const onConnection = (ws) => ws.on('message', () => {})
  if (mode === 'plain') {
    server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)))
  } else {
    const { attachAuth } = await import('@hivegate/ws')
    auth = attachAuth(server, wss, {
      ...verifierOptions(reviveKey(key)),
      // Room for every connection of the run, and time for all of them to connect on a busy machine.
      maxQuarantined: connections + 100,
      quarantineTimeout: 600_000,
    })
  }
  wss.on('connection', onConnection)
  await new Promise((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve))
  return { port: server.address().port }
}

function memory() {
  for (let i = 0; i < 4; i++) globalThis.gc()
  const m = process.memoryUsage()
  return { heapUsed: m.heapUsed, rss: m.rss, external: m.external, arrayBuffers: m.arrayBuffers, clients: wss.clients.size, quarantined: auth?.quarantined }
}

process.on('message', async (message) => {
  try {
    if (message.cmd === 'start') process.send(await start(message))
    else if (message.cmd === 'memory') process.send(memory())
  } catch (error) {
    process.send({ error: String(error?.stack ?? error) })
  }
})
process.on('disconnect', () => process.exit(0))
