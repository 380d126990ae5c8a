// examples/oauth in a real Chromium, as its README tells a person to use it: both sign-in links,
// /me by cookie, and sign out.
import { expect } from 'chai'
import type { Browser, Page } from 'playwright-core'
import { createOAuthExample, type OAuthExample as Example } from '../../examples/oauth/index.js'
import { launchChromium, newWatchedPage } from '../helpers/browser.js'
import { passProviderScreens } from '../helpers/oauth-kit.js'

describe('examples/oauth in Chromium', function () {
  this.timeout(20_000)
  let chromium: Browser
  let example: Example

  before(async function () {
    chromium = await launchChromium(this)
    example = await createOAuthExample()
  })
  after(async () => {
    await chromium?.close()
    await example?.close()
  })

  const me = async (page: Page): Promise<unknown> => JSON.parse((await page.textContent('body')) ?? '')

  it('signs in with HiveMP from the home page, shows /me, and signs out', async () => {
    const { context, page, problems } = await newWatchedPage(chromium)
    try {
      await page.goto(`${example.url}/`)
      await page.click('text=Sign in with HiveMP')
      await page.waitForURL(`${example.url}/me`)
      expect(await me(page)).to.deep.include({ subject: 'account-1', tenant: 'example-project' })
      await page.goto(`${example.url}/`)
      await page.click('text=Sign out')
      await page.waitForURL(`${example.url}/`)
      const after = await page.goto(`${example.url}/me`)
      expect(after?.status()).to.equal(401)
      expect(problems.cspViolations).to.deep.equal([])
      expect(problems.errors.filter((e) => !e.includes('401'))).to.deep.equal([])
    } finally {
      await context.close()
    }
  })

  it('signs in with OpenID Connect through the provider screens and shows /me', async () => {
    const { context, page, problems } = await newWatchedPage(chromium)
    try {
      await page.goto(`${example.url}/`)
      await page.click('text=Sign in with OpenID Connect')
      await passProviderScreens(page, example.issuer, 'alice')
      await page.waitForURL(`${example.url}/me`)
      expect(await me(page)).to.deep.include({ subject: 'alice', tenant: 'acme' })
      expect(problems).to.deep.equal({ errors: [], cspViolations: [] })
    } finally {
      await context.close()
    }
  })
})
