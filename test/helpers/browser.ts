// The system Chromium, driven by playwright-core, for the browser suites. A missing binary skips
// those suites locally (with one line saying how to install it) and fails them on CI.
import { existsSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

/** Where the Chromium binary is: `HIVEGATE_CHROMIUM`, or Debian's `/usr/bin/chromium`. */
export const CHROMIUM_PATH = process.env.HIVEGATE_CHROMIUM ?? '/usr/bin/chromium'

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

// Once per run, even if the module is loaded more than once.
const WARNED = Symbol.for('hivegate.browser-tests-skipped')

/**
 * Launches Chromium headless for a suite; call from `before` with mocha's `this`. Without the
 * binary: throws when `CI` is set, otherwise skips the suite (`this.skip()`).
 */
export async function launchChromium(context: Mocha.Context): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    const hint = `Chromium not found at ${CHROMIUM_PATH}: install it (apt-get install chromium) or set HIVEGATE_CHROMIUM`
    if (process.env.CI !== undefined && process.env.CI !== '') throw new Error(`${hint}; the browser tests are required on CI`)
    const flags = globalThis as unknown as Record<symbol, boolean>
    if (flags[WARNED] !== true) console.log(`  browser tests skipped. ${hint}`)
    flags[WARNED] = true
    context.skip()
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS })
}

/** What a page reported that a test must treat as failure. */
export interface PageProblems {
  /** Console errors and uncaught exceptions. */
  errors: string[]
  /** CSP violations (`securitypolicyviolation` events), as `directive blocked-uri`. */
  cspViolations: string[]
}

/**
 * A fresh context (its own cookies) and page, recording console errors, uncaught exceptions and
 * CSP violations of every document the page loads.
 */
export async function newWatchedPage(browser: Browser): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }> {
  const context = await browser.newContext()
  const problems: PageProblems = { errors: [], cspViolations: [] }
  await context.exposeBinding('__hivegateCspViolation', (_source, text: string) => void problems.cspViolations.push(text))
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      void (globalThis as unknown as { __hivegateCspViolation(text: string): Promise<void> }).__hivegateCspViolation(
        `${event.violatedDirective} ${event.blockedURI}`,
      )
    })
  })
  const page = await context.newPage()
  // Fail within a mocha timeout, with playwright's own message about what it was waiting for.
  page.setDefaultTimeout(5000)
  page.on('console', (message) => {
    // A missing favicon is the browser's own request, not the page's.
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) problems.errors.push(message.text())
  })
  page.on('pageerror', (err) => void problems.errors.push(err.message))
  return { context, page, problems }
}
