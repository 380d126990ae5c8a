// Drives examples/socket.io: the server factory with real socket.io-client clients, and `node examples/socket.io` as its README runs it.
import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { io, type Socket } from 'socket.io-client'
// @ts-ignore -- the example is plain JavaScript without declarations
import { createServer, demoToken } from '../../examples/socket.io/index.js'
import { close, listen } from '../helpers/listen.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

function connect(url: string, options: Record<string, unknown> = {}): Promise<Socket> {
  const client = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, ...options })
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client))
    client.once('connect_error', (err) => {
      client.disconnect()
      reject(err)
    })
  })
}

describe('examples/socket.io', () => {
  let server: import('node:http').Server
  let base: string
  before(async () => {
    server = createServer().server
    base = await listen(server)
  })
  after(() => close(server))

  it('trusts a handshake token at once and answers chat', async () => {
    const client = await connect(base, { auth: { token: demoToken() } })
    try {
      expect(await client.emitWithAck('chat', 'hello')).to.equal('johndoe said: hello')
    } finally {
      client.disconnect()
    }
  })

  it('guards ride:update by the token’s permissions', async () => {
    const client = await connect(base, { extraHeaders: { authorization: `Bearer ${demoToken()}` } })
    try {
      expect(await client.emitWithAck('ride:update', { id: 'johndoe-123' })).to.deep.equal({ updated: 'johndoe-123' })
      expect(await client.emitWithAck('ride:update', { id: 'someone-456' })).to.include({ ok: false, error: 'insufficient_permission' })
    } finally {
      client.disconnect()
    }
  })

  it('quarantines a token-less client until hivegate:auth with the token from /token', async () => {
    const { token } = (await (await fetch(`${base}/token`, { method: 'POST' })).json()) as { token: string }
    const client = await connect(base)
    try {
      expect(await client.emitWithAck('chat', 'early')).to.include({ ok: false, error: 'credentials_required' })
      expect(await client.emitWithAck('hivegate:auth', 'not.a.token')).to.include({ ok: false })
      expect(await client.emitWithAck('hivegate:auth', token)).to.include({ ok: true, sub: 'johndoe', tnd: 'tenant-1' })
      expect(await client.emitWithAck('chat', 'again')).to.equal('johndoe said: again')
    } finally {
      client.disconnect()
    }
  })

  it('refuses a bad handshake token with connect_error data', async () => {
    const err = (await connect(base, { auth: { token: `${demoToken()}x` } }).then(
      () => expect.fail('connected'),
      (e: unknown) => e,
    )) as { data: { error: string } }
    expect(err.data.error).to.equal('invalid_token')
  })

  it('runs as `node examples/socket.io` and accepts the printed token', async function () {
    this.timeout(20_000)
    const child = spawn(process.execPath, ['examples/socket.io'], { cwd: ROOT, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] })
    const exited = new Promise((resolve) => child.once('exit', resolve))
    try {
      const { url, token } = await new Promise<{ url: string; token: string }>((resolve, reject) => {
        let output = ''
        child.once('exit', (code) => reject(new Error(`examples/socket.io exited with ${code}`)))
        child.stdout!.on('data', (chunk: Buffer) => {
          output += chunk.toString()
          const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
          const token = /TOKEN=(\S+)\n/.exec(output)?.[1]
          if (url !== undefined && token !== undefined) resolve({ url, token })
        })
      })
      const client = await connect(url, { auth: { token } })
      try {
        expect(await client.emitWithAck('chat', 'hi')).to.equal('johndoe said: hi')
      } finally {
        client.disconnect()
      }
    } finally {
      child.kill()
      await exited
    }
  })
})
