/**
 * The dashboard in a real browser against a real `tally serve` on the simulator (bun run test:e2e).
 * Debian's Chromium through playwright-core; fails on any console error or CSP violation; saves
 * screenshots of every page (desktop, mobile, dark) in test/e2e/artifacts/ for people to look at.
 * Plain `bun test` skips this folder (bunfig.toml pathIgnorePatterns).
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'

const ROOT = join(import.meta.dir, '../..')
const ARTIFACTS = join(import.meta.dir, 'artifacts')
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const SIMULATOR_HEADERS = {
  'content-type': 'application/json',
  'PLAID-CLIENT-ID': 'tally-simulator-client',
  'PLAID-SECRET': 'tally-simulator-secret',
}
/** What the server's CSP should be; added by the test when the server does not send one yet. */
const STRICT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
/** The only error answers the scenario provokes: logged out at first, and a wrong bank password. */
const EXPECTED_FAILURES = new Set([
  'GET /api/me 401',
  'POST /api/link/simulator/sessions/:id/credentials 422',
])
const DESKTOP = { width: 1280, height: 800 }
const MOBILE = { width: 375, height: 740 }

let server: ReturnType<typeof Bun.spawn> | undefined
let browser: Browser | undefined
let dataDir = ''
let baseUrl = ''
let simulatorUrl = ''
const problems: string[] = []
const serverLog: string[] = []

async function freePort(): Promise<number> {
  const probe = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
  const { port } = probe
  probe.stop(true)
  return port
}

/** Builds the dashboard, starts `tally serve` and waits for its start-up log lines. */
async function startTally() {
  const build = Bun.spawnSync(['bun', 'run', 'build'], { cwd: ROOT, stdout: 'pipe', stderr: 'pipe' })
  if (build.exitCode !== 0) throw new Error(`bun run build failed:\n${build.stderr.toString()}`)
  dataDir = mkdtempSync(join(tmpdir(), 'tally-e2e-'))
  const port = await freePort()
  baseUrl = `http://127.0.0.1:${port}`
  server = Bun.spawn(['bun', 'src/main.ts', 'serve'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dataDir,
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: baseUrl,
      PLAID_ENV: 'simulator',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      STATIC_DIR: join(ROOT, 'dist'),
    },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const deadline = Date.now() + 60_000
  const decoder = new TextDecoder()
  let buffered = ''
  const reader = (server.stdout as ReadableStream<Uint8Array>).getReader()
  let listening = false
  while (!listening) {
    if (Date.now() > deadline) throw new Error(`tally serve did not start:\n${serverLog.join('\n')}`)
    const { value, done } = await reader.read()
    if (done) throw new Error(`tally serve exited:\n${serverLog.join('\n')}`)
    buffered += decoder.decode(value, { stream: true })
    let newline = buffered.indexOf('\n')
    while (newline >= 0) {
      const line = buffered.slice(0, newline)
      buffered = buffered.slice(newline + 1)
      serverLog.push(line)
      const msg = (JSON.parse(line) as { msg?: string }).msg ?? ''
      const simulator = /^plaid: simulator at (\S+)/.exec(msg)
      if (simulator?.[1]) simulatorUrl = simulator[1]
      if (msg.startsWith('Tally is listening')) listening = true
      newline = buffered.indexOf('\n')
    }
  }
  // Keep draining the log so the server never blocks on a full pipe.
  ;(async () => {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      serverLog.push(...decoder.decode(value).split('\n').filter(Boolean))
    }
  })()
  if (!simulatorUrl) throw new Error('no "plaid: simulator at" line in the start-up log')
}

async function newContext(
  options: {
    mobile?: boolean
    dark?: boolean
    storageState?: Awaited<ReturnType<BrowserContext['storageState']>>
  } = {},
) {
  if (!browser) throw new Error('no browser')
  const context = await browser.newContext({
    viewport: options.mobile ? MOBILE : DESKTOP,
    ...(options.mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
    colorScheme: options.dark ? 'dark' : 'light',
    ...(options.storageState ? { storageState: options.storageState } : {}),
  })
  // Until the server sends its own Content-Security-Policy, enforce the strict one it is meant to.
  await context.route(`${baseUrl}/`, async (route) => {
    const response = await route.fetch()
    const headers = response.headers()
    if (!headers['content-security-policy']) headers['content-security-policy'] = STRICT_CSP
    await route.fulfill({ response, headers })
  })
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`)
    })
  })
  const page = await context.newPage()
  const label = `${options.mobile ? 'mobile' : 'desktop'}${options.dark ? '-dark' : ''}`
  page.on('console', (message) => {
    if (message.type() !== 'error') return
    // Chromium logs every 4xx as "Failed to load resource"; API answers are judged below instead.
    const apiAnswer =
      message.text().startsWith('Failed to load resource') &&
      new URL(message.location().url).pathname.startsWith('/api/')
    if (!apiAnswer) problems.push(`[${label}] console: ${message.text()}`)
  })
  page.on('response', (response) => {
    if (response.status() < 400) return
    const path = new URL(response.url()).pathname.replace(/[0-9a-f-]{36}/g, ':id')
    const call = `${response.request().method()} ${path} ${response.status()}`
    if (!EXPECTED_FAILURES.has(call)) problems.push(`[${label}] unexpected answer: ${call}`)
  })
  page.on('pageerror', (error) => problems.push(`[${label}] page error: ${error.message}`))
  page.on('requestfailed', (request) => {
    // A download the browser hands off is reported as aborted; everything else is a failure.
    if (!request.url().includes('export.csv')) problems.push(`[${label}] request failed: ${request.url()}`)
  })
  return { context, page }
}

async function shot(page: Page, name: string) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true })
}

const AXE_SOURCE = await Bun.file(Bun.resolveSync('axe-core/axe.min.js', import.meta.dir)).text()

/**
 * axe-core's WCAG 2.1 A/AA rules (contrast included) on the page as it is now, plus a few checks of
 * our own. axe is injected through the DevTools protocol, which the page's CSP does not govern.
 */
async function checkAccessibility(page: Page, where: string) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE)
  const violations = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe's global, injected above
    const axe = (window as any).axe
    const result = await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] })
    return result.violations.map(
      (v: { id: string; help: string; nodes: { target: string[] }[] }) =>
        `${v.id}: ${v.help} at ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    )
  })
  expect({ where, axe: violations }).toEqual({ where, axe: [] })
  const issues = await page.evaluate(() => {
    const found: string[] = []
    const visible = (el: Element) => (el as HTMLElement).offsetParent !== null || el.closest('dialog[open]')
    const h1s = [...document.querySelectorAll('h1')].filter(visible)
    if (h1s.length !== 1) found.push(`${h1s.length} h1 elements`)
    for (const el of document.querySelectorAll('input:not([type=hidden]):not([hidden]), select, textarea')) {
      const id = el.id
      const labelled =
        (id && document.querySelector(`label[for="${id}"]`)) ||
        el.closest('label') ||
        el.getAttribute('aria-label') ||
        el.getAttribute('aria-labelledby')
      if (!labelled) found.push(`unlabelled ${el.tagName.toLowerCase()} ${el.outerHTML.slice(0, 80)}`)
    }
    for (const el of document.querySelectorAll('[tabindex]'))
      if (Number(el.getAttribute('tabindex')) > 0) found.push(`positive tabindex on ${el.tagName}`)
    for (const el of document.querySelectorAll('button, a[href]'))
      if (visible(el) && !(el.textContent?.trim() || el.getAttribute('aria-label')))
        found.push(`nameless ${el.tagName.toLowerCase()} ${el.outerHTML.slice(0, 80)}`)
    for (const el of document.querySelectorAll('img, svg[role=img]'))
      if (
        !(
          el.getAttribute('alt') ??
          el.getAttribute('aria-label') ??
          el.getAttribute('aria-labelledby') ??
          el.querySelector('title')
        )
      )
        found.push(`image without a text alternative`)
    for (const el of document.querySelectorAll('svg:not([role=img])'))
      if (el.getAttribute('aria-hidden') !== 'true') found.push('decorative svg not hidden')
    if (!document.documentElement.lang) found.push('no lang attribute')
    if (!document.querySelector('[aria-live]')) found.push('no live region')
    return found
  })
  expect({ where, issues }).toEqual({ where, issues: [] })
}

async function openPage(page: Page, name: string, heading: string) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click()
  await page.getByRole('heading', { level: 1, name: heading }).waitFor()
  await page.waitForFunction(() => !document.querySelector('.loading'))
}

async function simulator(method: string, path: string, body?: unknown) {
  const response = await fetch(`${simulatorUrl}${path}`, {
    method,
    headers: SIMULATOR_HEADERS,
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  if (!response.ok)
    throw new Error(`simulator ${method} ${path}: ${response.status} ${await response.text()}`)
  return response.json()
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (see docs/MACHINE notes in .ci/run)`)
  rmSync(ARTIFACTS, { recursive: true, force: true })
  mkdirSync(ARTIFACTS, { recursive: true })
  await startTally()
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // No --user-data-dir: Playwright refuses it here and gives every launch a fresh temporary profile.
    ],
  })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  server?.kill('SIGTERM')
  await server?.exited
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

test('sign up, connect a bank, browse, search, reconnect after reset_login, remove the bank', async () => {
  const { context, page } = await newContext()
  const email = `e2e-${Date.now()}@example.com`

  // Sign up.
  await page.goto(baseUrl)
  await page.getByRole('heading', { level: 1, name: 'Log in to Tally' }).waitFor()
  await checkAccessibility(page, 'log in')
  await shot(page, 'login-desktop')
  await page.getByRole('button', { name: 'Create an account' }).click()
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill('short')
  await page.getByLabel('Password').fill('plover-harbour-tangent-9')
  await page.getByRole('button', { name: 'Create account' }).click()
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor()
  await page.getByText('No banks connected yet').waitFor()
  await checkAccessibility(page, 'empty overview')
  await shot(page, 'overview-empty-desktop')

  // Connect a bank through the Link stand-in; a wrong password first shows the bank's message.
  await openPage(page, 'Banks', 'Banks')
  await page.getByRole('button', { name: 'Connect a bank' }).click()
  const dialog = page.getByRole('dialog')
  await dialog.getByRole('button', { name: 'First Platypus Bank' }).click()
  await dialog.getByLabel('Password').fill('wrong-password')
  await dialog.getByRole('button', { name: 'Log in' }).click()
  await dialog
    .getByRole('alert')
    .getByText(/credentials were not correct/i)
    .waitFor()
  await checkAccessibility(page, 'link stand-in')
  await shot(page, 'link-stand-in-desktop')
  await dialog.getByLabel('Password').fill('pass_good')
  await dialog.getByRole('button', { name: 'Log in' }).click()
  await dialog.getByRole('checkbox', { name: /Plaid Checking/ }).waitFor()
  expect(await dialog.getByRole('checkbox').count()).toBe(3)
  await dialog.getByRole('button', { name: 'Connect' }).click()
  await dialog.waitFor({ state: 'hidden' })
  const bank = page.locator('.bank', { hasText: 'First Platypus Bank' })
  await bank.getByText('Connected').waitFor()
  await bank.getByText(/Last synced/).waitFor({ timeout: 30_000 })
  await checkAccessibility(page, 'banks')
  await shot(page, 'banks-desktop')

  // Accounts and the overview.
  await openPage(page, 'Overview', 'Overview')
  await page.getByRole('heading', { name: 'Net worth' }).waitFor()
  await page.getByRole('rowheader', { name: /Plaid Checking/ }).waitFor()
  // A new bank has one day of balances: the trend chart waits for a second day.
  await page
    .getByText(/trend appears once/)
    .or(page.getByRole('img', { name: /Net worth by week/ }))
    .waitFor()
  await page.getByRole('img', { name: /Spending by month/ }).waitFor()
  await checkAccessibility(page, 'overview')
  await shot(page, 'overview-desktop')

  // Transactions, then a search.
  await openPage(page, 'Transactions', 'Transactions')
  await page.locator('table.transactions tbody tr').first().waitFor()
  expect(await page.locator('table.transactions tbody tr').count()).toBe(50)
  await page.getByRole('button', { name: 'Load more' }).click()
  await page.waitForFunction(() => document.querySelectorAll('table.transactions tbody tr').length > 50)
  await checkAccessibility(page, 'transactions')
  await shot(page, 'transactions-desktop')
  await page.getByLabel('Search').fill('Netflix')
  await page.getByRole('button', { name: 'Search', exact: true }).click()
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('table.transactions tbody tr')]
    return rows.length > 0 && rows.every((row) => /netflix/i.test(row.textContent ?? ''))
  })
  await shot(page, 'transactions-search-desktop')
  const exportHref = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href')
  expect(exportHref).toBe('/api/transactions/export.csv?q=Netflix')
  const csv = await page.request.get(`${baseUrl}${exportHref}`)
  expect(csv.status()).toBe(200)
  expect(await csv.text()).toContain('Netflix')

  // Settings.
  await openPage(page, 'Settings', 'Settings')
  await page.getByText('This device').waitFor()
  await page.getByText('Bank connected').or(page.getByText('Account created')).first().waitFor()
  await checkAccessibility(page, 'settings')
  await shot(page, 'settings-desktop')

  // Mobile and dark screenshots of every page, while there is data to show.
  const storageState = await context.storageState()
  for (const variant of [{ mobile: true }, { dark: true }, { mobile: true, dark: true }]) {
    const other = await newContext({ ...variant, storageState })
    const suffix = `${variant.mobile ? 'mobile' : 'desktop'}${variant.dark ? '-dark' : ''}`
    await other.page.goto(baseUrl)
    await other.page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor()
    await other.page.getByRole('heading', { name: 'Net worth' }).waitFor()
    await shot(other.page, `overview-${suffix}`)
    // Contrast and the rest hold in the dark theme and on a small screen too.
    await checkAccessibility(other.page, `overview ${suffix}`)
    for (const [name, heading] of [
      ['Transactions', 'Transactions'],
      ['Banks', 'Banks'],
      ['Settings', 'Settings'],
    ] as const) {
      await openPage(other.page, name, heading)
      if (name === 'Transactions') await other.page.locator('table.transactions tbody tr').first().waitFor()
      await shot(other.page, `${name.toLowerCase()}-${suffix}`)
      await checkAccessibility(other.page, `${name.toLowerCase()} ${suffix}`)
    }
    // Nothing may overflow sideways on a 375 px screen.
    if (variant.mobile)
      expect(await other.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        MOBILE.width,
      )
    await other.context.close()
  }

  // The bank asks for a new login (the simulator's reset_login); Tally notices and offers reconnect.
  const state = await simulator('GET', '/simulator/state')
  const itemId = (state.items as { item_id: string }[])[0]?.item_id
  expect(itemId).toBeString()
  await simulator('POST', `/simulator/items/${itemId}/error`, { error_code: 'ITEM_LOGIN_REQUIRED' })
  await openPage(page, 'Banks', 'Banks')
  const loginRequired = bank.getByText('Login required')
  for (let attempt = 0; attempt < 30 && !(await loginRequired.isVisible()); attempt++) {
    await page.waitForTimeout(500)
    await openPage(page, 'Overview', 'Overview')
    await openPage(page, 'Banks', 'Banks')
  }
  await loginRequired.waitFor()
  await shot(page, 'banks-login-required-desktop')
  await bank.getByRole('button', { name: 'Reconnect' }).click()
  await dialog.getByRole('heading', { name: 'Log in to First Platypus Bank' }).waitFor()
  await dialog.getByLabel('Password').fill('pass_good')
  await dialog.getByRole('button', { name: 'Log in' }).click()
  await dialog.getByRole('button', { name: 'Reconnect' }).click()
  await dialog.waitFor({ state: 'hidden' })
  await bank.getByText('Connected').waitFor()
  await page.getByText('First Platypus Bank reconnected').waitFor({ state: 'attached' })

  // Remove the bank, confirming in the dialog.
  await bank.getByRole('button', { name: 'Remove' }).click()
  await checkAccessibility(page, 'remove dialog')
  await shot(page, 'banks-remove-dialog-desktop')
  await dialog.getByRole('button', { name: 'Remove bank' }).click()
  await page.getByText('No banks connected').waitFor()
  await openPage(page, 'Overview', 'Overview')
  await page.getByText('No banks connected yet').waitFor()

  // Log out.
  await page.getByRole('button', { name: 'Log out' }).first().click()
  await page.getByRole('heading', { level: 1, name: 'Log in to Tally' }).waitFor()
  await context.close()

  expect(problems).toEqual([])
}, 240_000)
