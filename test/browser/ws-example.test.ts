// examples/ws in a real Chromium: the page connects with the cookie and with an auth message, as
// its README says; a page of another origin cannot ride the victim's cookie into a WebSocket.
import { expect } from 'chai'
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http'
import type { Browser, Page } from 'playwright-core'
// @ts-ignore -- the example is plain JavaScript
import { createServer as createExample } from '../../examples/ws/index.js'
import { launchChromium, newWatchedPage } from '../helpers/browser.js'
import { close, listen } from '../helpers/listen.js'

const SUCCESS = /^< \[\{"typ":"sys","act":"aut","res":"suc","dat":\{"sub":"johndoe","tnd":"tenant-1",/m

describe('examples/ws in Chromium', function () {
  this.timeout(20_000)
  let chromium: Browser
  let server: Server
  let base: string
  let wsAuth: { quarantined: number }
  const handshakes: Array<{ origin: string | undefined; cookie: string | undefined }> = []

  before(async function () {
    chromium = await launchChromium(this)
    const example = createExample() as { server: Server; wsAuth: { quarantined: number } }
    server = example.server
    wsAuth = example.wsAuth
    server.on('upgrade', (req: IncomingMessage) => void handshakes.push({ origin: req.headers.origin, cookie: req.headers.cookie }))
    base = await listen(server)
  })
  after(async () => {
    await chromium?.close()
    if (server !== undefined) await close(server)
  })
  beforeEach(() => {
    handshakes.length = 0
  })

  const logText = (page: Page): Promise<string> => page.textContent('#log').then((text) => text ?? '')
  const waitForLog = (page: Page, pattern: RegExp): Promise<unknown> =>
    page.waitForFunction((source) => new RegExp(source, 'm').test(document.getElementById('log')!.textContent ?? ''), pattern.source)

  it('logs in, connects with the cookie, and echoes once trusted', async () => {
    const { context, page, problems } = await newWatchedPage(chromium)
    try {
      await page.goto(`${base}/`)
      await page.click('#login')
      await waitForLog(page, /^logged in: cookie set$/)
      expect(await page.evaluate(() => document.cookie)).to.equal('')
      await page.click('#cookie')
      await waitForLog(page, SUCCESS)
      await page.fill('#text', 'hello from chromium')
      await page.click('#send')
      await waitForLog(page, /^< johndoe said: hello from chromium$/)
      expect(handshakes).to.have.length(1)
      expect(handshakes[0]!.origin).to.equal(base)
      expect(handshakes[0]!.cookie).to.match(/^hg_token=/)
      expect(problems).to.deep.equal({ errors: [], cspViolations: [] })
    } finally {
      await context.close()
    }
  })

  it('connects without a cookie and authenticates with an auth message', async () => {
    const { context, page, problems } = await newWatchedPage(chromium)
    try {
      await page.goto(`${base}/`)
      await page.click('#message')
      await waitForLog(page, SUCCESS)
      expect(await logText(page)).to.match(/^> Bearer /m)
      expect(handshakes.map((h) => h.cookie)).to.deep.equal([undefined])
      await page.click('#send')
      await waitForLog(page, /^< johndoe said: hello$/)
      expect(problems).to.deep.equal({ errors: [], cspViolations: [] })
    } finally {
      await context.close()
    }
  })

  it('answers a bad auth message with the error reply and keeps the connection open, its messages withheld', async () => {
    const { context, page, problems } = await newWatchedPage(chromium)
    try {
      await page.goto(`${base}/`)
      await page.click('#bad')
      const error = /^< \[\{"typ":"sys","act":"aut","res":"err","err":"[^"]+"\}\]$/gm
      await waitForLog(page, error)
      expect(wsAuth.quarantined).to.equal(1)
      await page.click('#send')
      // Messages are handled in order: once a second auth error arrives, 'hello' was withheld, not echoed.
      await page.fill('#text', 'Bearer still.not.valid')
      await page.click('#send')
      await page.waitForFunction((source) => (document.getElementById('log')!.textContent!.match(new RegExp(source, 'gm')) ?? []).length === 2, error.source)
      const log = await logText(page)
      expect(log).to.not.include('said:')
      expect(log).to.not.include('closed')
      expect(problems).to.deep.equal({ errors: [], cspViolations: [] })
    } finally {
      await context.close()
    }
  })

  it('refuses a WebSocket that a page of another origin opens with the victim cookie (cross-site WebSocket hijacking)', async () => {
    const { context, page, problems } = await newWatchedPage(chromium)
    const attacker = createHttpServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Free prizes</title>')
    })
    const attackerBase = await listen(attacker)
    try {
      await page.goto(`${base}/`)
      await page.click('#login')
      await waitForLog(page, /^logged in: cookie set$/)
      // Another port of 127.0.0.1 is another origin but the same site, so even a SameSite=Strict cookie goes along.
      await page.goto(`${attackerBase}/`)
      const outcome = await page.evaluate(
        (target) =>
          new Promise<{ opened: boolean; messages: string[]; code: number }>((resolve) => {
            const socket = new WebSocket(target)
            const seen = { opened: false, messages: [] as string[] }
            socket.onopen = () => void (seen.opened = true)
            socket.onmessage = (event) => void seen.messages.push(String(event.data))
            socket.onclose = (event) => resolve({ ...seen, code: event.code })
          }),
        `${base.replace('http', 'ws')}/live`,
      )
      expect(outcome).to.deep.equal({ opened: false, messages: [], code: 1006 })
      expect(handshakes).to.have.length(1)
      expect(handshakes[0]!.origin).to.equal(attackerBase)
      expect(handshakes[0]!.cookie, 'the browser sent the victim cookie').to.match(/^hg_token=/)
      expect(problems.cspViolations).to.deep.equal([])
    } finally {
      await context.close()
      await close(attacker)
    }
  })
})
