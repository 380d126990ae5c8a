// socketio: connect + authenticate rate of socket.io clients that pass their token in the
// handshake (`auth: { token }`), hivegate's io.use() middleware vs bare socket.io, same run.
import { fileURLToPath } from 'node:url'
import { makeKey, exportKey, signToken, claims } from '../lib/fixtures.js'
import { startChild } from '../lib/children.js'
import { median } from '../lib/stats.js'

const SERVER = fileURLToPath(new URL('../servers/socketio-server.js', import.meta.url))
const CLIENT = fileURLToPath(new URL('../servers/socketio-client.js', import.meta.url))

async function check(reply) {
  const value = await reply
  if (value.error) throw new Error(value.error)
  return value
}

async function round(mode, { key, tokens, inFlight }) {
  const server = startChild(SERVER)
  const client = startChild(CLIENT)
  try {
    const { port } = await check(server.request({ cmd: 'start', mode, key: exportKey(key) }))
    const opened = await check(client.request({ cmd: 'connect', port, tokens, inFlight }, 600_000))
    if (opened.open !== tokens.length) throw new Error(`${mode}: only ${opened.open} of ${tokens.length} connections opened (${opened.failed} refused)`)
    const counts = await check(server.request({ cmd: 'counts' }))
    if (mode === 'hivegate' && counts.trusted !== tokens.length) throw new Error(`${mode}: ${counts.trusted} of ${tokens.length} sockets trusted`)
    await check(client.request({ cmd: 'close' }))
    return tokens.length / (opened.ms / 1000)
  } finally {
    await Promise.all([client.stop(), server.stop()])
  }
}

export async function run({ connections, inFlight, rounds, log }) {
  const key = makeKey('HS256')
  // One token per client: every verification is a cache miss, as for distinct clients.
  const tokens = Array.from({ length: connections }, (_, i) => signToken(key, claims({ sub: `user-${i}` })))
  const plain = []
  const hivegate = []
  // Interleaved rounds, so drift in the machine's load affects both alike.
  for (let r = 0; r < rounds; r++) {
    plain.push(await round('plain', { key, tokens, inFlight }))
    hivegate.push(await round('hivegate', { key, tokens, inFlight }))
    log(`socketio round ${r + 1}/${rounds}: plain ${Math.round(plain[r])}/s, hivegate ${Math.round(hivegate[r])}/s`)
  }
  const ratios = hivegate.map((h, i) => h / plain[i])
  return { connections, inFlight, rounds, plainPerSec: median(plain), hivegatePerSec: median(hivegate), ratio: median(ratios), ratios }
}
