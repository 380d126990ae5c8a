// socket.io server under test, in its own process: 'plain' socket.io, or socket.io behind
// hivegate's io.use() middleware verifying each handshake's token. Answers over IPC.
import http from 'node:http'
import { Server } from 'socket.io'
import { reviveKey } from '../lib/fixtures.js'
import { verifierOptions } from '../lib/hivegate.js'

let server
let io
let auth

async function start({ mode, key }) {
  server = http.createServer((req, res) => res.writeHead(404).end())
  io = new Server(server, { transports: ['websocket'] })
  if (mode === 'hivegate') {
    const { createSocketAuth } = await import('@hivegate/socket.io')
    auth = createSocketAuth(verifierOptions(reviveKey(key)))
    io.use(auth.middleware)
  }
  io.on('connection', (socket) => socket.on('chat', () => {}))
  await new Promise((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve))
  return { port: server.address().port }
}

function counts() {
  return { sockets: io.of('/').sockets.size, trusted: auth?.connections().length }
}

process.on('message', async (message) => {
  try {
    if (message.cmd === 'start') process.send(await start(message))
    else if (message.cmd === 'counts') process.send(counts())
  } catch (error) {
    process.send({ error: String(error?.stack ?? error) })
  }
})
process.on('disconnect', () => process.exit(0))
