import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { CountryCode, type PlaidApi, Products } from 'plaid'
import { testConfig } from '../../test/helpers/config.ts'
import { captureLogs } from '../../test/helpers/logs.ts'
import { type SimulatorHarness, startHarness } from '../simulator/testing/harness.ts'
import { connectPlaid, createPlaidClient, isNetworkError, networkErrorCode, plaidErrorOf } from './client.ts'
import type { CallLog } from './transport.ts'

// Distinct from the simulator defaults so a leak of either is unmistakable in the secrets scan.
const CLIENT_ID = 'tally-test-client-7c1e9a'
const SECRET = 'tally-test-secret-4b8d2f'

type PlaidLine = CallLog

let harness: SimulatorHarness
/** Paths the simulator answered, from its own request log: proof of how many attempts reached it. */
const simulatorRequests: string[] = []

beforeAll(async () => {
  harness = await startHarness({
    clientId: CLIENT_ID,
    secret: SECRET,
    logger: {
      info(obj: object, msg?: string) {
        if (msg === 'simulator request') simulatorRequests.push((obj as { path: string }).path)
      },
      warn() {},
      error() {},
    },
  })
})
afterAll(() => harness.stop())
afterEach(async () => {
  await harness.control('DELETE', '/simulator/faults')
})

/** A client over the simulator whose waits are recorded instead of slept. */
function testClient(options: { timeoutMs?: number; maxAttempts?: number; basePath?: string } = {}) {
  const logs = captureLogs('info')
  const waits: number[] = []
  const client = createPlaidClient({
    basePath: options.basePath ?? harness.simulator.url,
    clientId: CLIENT_ID,
    secret: SECRET,
    logger: logs.logger,
    timeoutMs: options.timeoutMs ?? 5_000,
    retry: {
      maxAttempts: options.maxAttempts ?? 4,
      random: () => 0.999,
      sleep: async (ms) => {
        waits.push(ms)
      },
    },
  })
  const plaidLines = () =>
    logs
      .lines()
      .filter((line) => line.plaid)
      .map((line) => ({ level: line.level as string, ...(line.plaid as PlaidLine) }))
  return { client, logs, waits, plaidLines }
}

function countRequests(path: string, from: number): number {
  return simulatorRequests.slice(from).filter((p) => p === path).length
}

async function fault(endpoint: string, rule: Record<string, number | null>) {
  const { status } = await harness.control('PUT', '/simulator/faults', { endpoint, ...rule })
  expect(status).toBe(200)
}

async function failureOf(call: Promise<unknown>): Promise<unknown> {
  try {
    await call
  } catch (error) {
    return error
  }
  throw new Error('expected the Plaid call to fail')
}

async function linkWith(client: PlaidApi) {
  const created = await client.sandboxPublicTokenCreate({
    institution_id: 'ins_109508',
    initial_products: [Products.Transactions],
  })
  const exchanged = await client.itemPublicTokenExchange({ public_token: created.data.public_token })
  return { publicToken: created.data.public_token, accessToken: exchanged.data.access_token }
}

describe('createPlaidClient: logging', () => {
  test('a successful call logs one info line: endpoint, Plaid request_id, status, attempt, duration', async () => {
    const { client, plaidLines, waits } = testClient()
    const response = await client.institutionsGetById({
      institution_id: 'ins_109508',
      country_codes: [CountryCode.Us],
    })
    expect(response.data.institution.name).toBe('First Platypus Bank')
    const lines = plaidLines()
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({
      level: 'info',
      method: '/institutions/get_by_id',
      request_id: response.data.request_id,
      status: 200,
      attempt: 1,
    })
    expect(lines[0]?.duration_ms).toBeGreaterThanOrEqual(0)
    expect(lines[0]?.error_code).toBeUndefined()
    expect(waits).toEqual([])
  })

  test('the endpoint is named without the base path, even when Plaid sits under a path prefix', async () => {
    // A trailing slash on the base path must not produce '//accounts/get' or a wrong method name.
    const { client, plaidLines } = testClient({ basePath: `${harness.simulator.url}/` })
    const { accessToken } = await linkWith(client)
    await client.accountsGet({ access_token: accessToken })
    expect(plaidLines().map((line) => line.method)).toEqual([
      '/sandbox/public_token/create',
      '/item/public_token/exchange',
      '/accounts/get',
    ])
  })
})

describe('createPlaidClient: retries', () => {
  test('two injected 500s, then success: three attempts, two backoff waits, the call succeeds', async () => {
    const { client, plaidLines, waits } = testClient()
    const { accessToken } = await linkWith(client)
    await fault('/accounts/get', { internal_error_rate: 1, remaining: 2 })
    const before = simulatorRequests.length

    const response = await client.accountsGet({ access_token: accessToken })

    expect(response.data.accounts.length).toBeGreaterThan(0)
    expect(countRequests('/accounts/get', before)).toBe(3)
    const lines = plaidLines().filter((line) => line.method === '/accounts/get')
    expect(lines.map((line) => [line.level, line.attempt, line.status, line.error_code ?? null])).toEqual([
      ['warn', 1, 500, 'INTERNAL_SERVER_ERROR'],
      ['warn', 2, 500, 'INTERNAL_SERVER_ERROR'],
      ['info', 3, 200, null],
    ])
    // Each failed attempt has its own Plaid request id, so support can find every one.
    expect(new Set(lines.map((line) => line.request_id)).size).toBe(3)
    // Full jitter below a doubling ceiling: 250 ms, then 500 ms (random() = 0.999 here).
    expect(waits).toEqual([249, 499])
    expect(lines.slice(0, 2).map((line) => line.retry_in_ms)).toEqual([249, 499])
  })

  test('429 RATE_LIMIT_EXCEEDED is retried', async () => {
    const { client, plaidLines } = testClient()
    const { accessToken } = await linkWith(client)
    await fault('/transactions/sync', { rate_limit_rate: 1, remaining: 1 })
    const before = simulatorRequests.length

    const page = await client.transactionsSync({ access_token: accessToken, count: 10 })

    expect(page.data.added.length).toBe(10)
    expect(countRequests('/transactions/sync', before)).toBe(2)
    const lines = plaidLines().filter((line) => line.method === '/transactions/sync')
    expect(lines[0]).toMatchObject({
      level: 'warn',
      status: 429,
      error_type: 'RATE_LIMIT_EXCEEDED',
      error_code: 'TRANSACTIONS_SYNC_LIMIT',
      attempt: 1,
    })
    expect(lines[1]).toMatchObject({ level: 'info', status: 200, attempt: 2 })
  })

  test('a dropped connection (ECONNRESET) is retried', async () => {
    const { client, plaidLines } = testClient()
    await fault('/institutions/get_by_id', { drop_connection_rate: 1, remaining: 2 })

    const response = await client.institutionsGetById({
      institution_id: 'ins_109509',
      country_codes: [CountryCode.Us],
    })

    expect(response.data.institution.institution_id).toBe('ins_109509')
    const lines = plaidLines()
    expect(lines.map((line) => [line.level, line.attempt, line.network_error ?? null, line.status])).toEqual([
      ['warn', 1, 'ECONNRESET', null],
      ['warn', 2, 'ECONNRESET', null],
      ['info', 3, null, 200],
    ])
  })

  test('a refused connection is retried, then reported as a network error', async () => {
    const closed = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response('') })
    const url = `http://127.0.0.1:${closed.port}`
    closed.stop(true)
    const { client, plaidLines, waits } = testClient({ basePath: url, maxAttempts: 3 })

    const error = await failureOf(client.institutionsGetById({ institution_id: 'ins_1', country_codes: [] }))

    expect(networkErrorCode(error)).toBe('ECONNREFUSED')
    expect(isNetworkError(error)).toBe(true)
    expect(plaidErrorOf(error)).toBeNull()
    expect(plaidLines().map((line) => [line.level, line.attempt])).toEqual([
      ['warn', 1],
      ['warn', 2],
      ['error', 3],
    ])
    expect(waits).toHaveLength(2)
  })

  test('Retry-After on a 429 is honoured (a stand-in server: the simulator sends no Retry-After)', async () => {
    let calls = 0
    const standIn = Bun.serve({
      port: 0,
      hostname: '127.0.0.1',
      fetch() {
        calls++
        if (calls > 1) return Response.json({ institution: {}, request_id: 'standin0000002' })
        return Response.json(
          { error_type: 'RATE_LIMIT_EXCEEDED', error_code: 'RATE_LIMIT', request_id: 'standin0000001' },
          { status: 429, headers: { 'retry-after': '2' } },
        )
      },
    })
    try {
      const { client, waits } = testClient({ basePath: `http://127.0.0.1:${standIn.port}` })
      await client.institutionsGetById({ institution_id: 'ins_1', country_codes: [CountryCode.Us] })
      expect(calls).toBe(2)
      expect(waits).toEqual([2_000])
    } finally {
      standIn.stop(true)
    }
  })

  test('a 400-class Plaid error (INVALID_ACCESS_TOKEN) is not retried: exactly one attempt', async () => {
    const { client, plaidLines, waits } = testClient()
    const before = simulatorRequests.length

    const error = await failureOf(client.itemGet({ access_token: 'access-sandbox-00000000-not-a-real-item' }))

    expect(countRequests('/item/get', before)).toBe(1)
    expect(waits).toEqual([])
    expect(plaidErrorOf(error)).toMatchObject({
      status: 400,
      error_type: 'INVALID_INPUT',
      error_code: 'INVALID_ACCESS_TOKEN',
    })
    expect(plaidErrorOf(error)?.request_id).toMatch(/^\w{15}$/)
    expect(isNetworkError(error)).toBe(false)
    const lines = plaidLines()
    expect(lines).toHaveLength(1)
    // Plaid's considered answer, for the caller to handle: a warning, not an outage.
    expect(lines[0]).toMatchObject({
      level: 'warn',
      method: '/item/get',
      status: 400,
      error_code: 'INVALID_ACCESS_TOKEN',
      attempt: 1,
    })
    expect(lines[0]?.retry_in_ms).toBeUndefined()
  })

  test('an injected 400 PRODUCT_NOT_READY is not retried either', async () => {
    const { client, waits } = testClient()
    const { accessToken } = await linkWith(client)
    await fault('/transactions/sync', { product_not_ready_rate: 1, remaining: 3 })
    const before = simulatorRequests.length

    const error = await failureOf(client.transactionsSync({ access_token: accessToken }))

    expect(plaidErrorOf(error)?.error_code).toBe('PRODUCT_NOT_READY')
    expect(countRequests('/transactions/sync', before)).toBe(1)
    expect(waits).toEqual([])
  })

  test('a persistent 500 fails after maxAttempts; plaidErrorOf gives INTERNAL_SERVER_ERROR', async () => {
    const { client, plaidLines, waits } = testClient()
    await fault('/institutions/get_by_id', { internal_error_rate: 1 })
    const before = simulatorRequests.length

    const error = await failureOf(
      client.institutionsGetById({ institution_id: 'ins_109508', country_codes: [CountryCode.Us] }),
    )

    expect(countRequests('/institutions/get_by_id', before)).toBe(4)
    const info = plaidErrorOf(error)
    expect(info).toMatchObject({ status: 500, error_type: 'API_ERROR', error_code: 'INTERNAL_SERVER_ERROR' })
    expect(info?.error_message.length).toBeGreaterThan(0)
    expect(info?.request_id).toMatch(/^\w{15}$/)
    const lines = plaidLines()
    expect(lines.map((line) => [line.level, line.attempt])).toEqual([
      ['warn', 1],
      ['warn', 2],
      ['warn', 3],
      ['error', 4],
    ])
    // The error line names the same request as the error the caller holds.
    expect(lines[3]?.request_id).toBe(info?.request_id ?? 'missing')
    expect(waits).toEqual([249, 499, 999])
  })

  test('a timeout is retried, and the call succeeds once Plaid answers in time', async () => {
    const { client, plaidLines } = testClient({ timeoutMs: 100 })
    await fault('/institutions/get_by_id', { latency_ms: 400, remaining: 1 })

    const response = await client.institutionsGetById({
      institution_id: 'ins_109508',
      country_codes: [CountryCode.Us],
    })

    expect(response.status).toBe(200)
    expect(plaidLines().map((line) => [line.level, line.attempt, line.network_error ?? null])).toEqual([
      ['warn', 1, 'ETIMEDOUT'],
      ['info', 2, null],
    ])
  })

  test('persistent timeouts are retried, then fail as a network error (ETIMEDOUT)', async () => {
    const { client, plaidLines, waits } = testClient({ timeoutMs: 60, maxAttempts: 3 })
    await fault('/institutions/get_by_id', { latency_ms: 300 })
    const started = performance.now()

    const error = await failureOf(
      client.institutionsGetById({ institution_id: 'ins_109508', country_codes: [CountryCode.Us] }),
    )

    expect(networkErrorCode(error)).toBe('ETIMEDOUT')
    expect(plaidErrorOf(error)).toBeNull()
    expect(waits).toHaveLength(2)
    const lines = plaidLines()
    expect(lines.map((line) => [line.level, line.attempt, line.network_error])).toEqual([
      ['warn', 1, 'ETIMEDOUT'],
      ['warn', 2, 'ETIMEDOUT'],
      ['error', 3, 'ETIMEDOUT'],
    ])
    for (const line of lines) expect(line.duration_ms).toBeGreaterThanOrEqual(55)
    // Each attempt stops at its own timeout rather than waiting for the slow answer.
    expect(performance.now() - started).toBeLessThan(290 * 3)
  })
})

describe('createPlaidClient: secrets', () => {
  test('logs of a whole flow (link, exchange, sync, errors, a logged caught error) hold no token or secret', async () => {
    const { client, logs } = testClient()
    const { publicToken, accessToken } = await linkWith(client)
    await fault('/transactions/sync', { internal_error_rate: 1, remaining: 1 })
    const page = await client.transactionsSync({ access_token: accessToken, count: 50 })
    await client.transactionsSync({ access_token: accessToken, cursor: page.data.next_cursor, count: 50 })
    await client.accountsBalanceGet({ access_token: accessToken })
    await client.itemGet({ access_token: accessToken })
    // A spent public token and a removed item: error paths whose request bodies carry tokens.
    const spent = await failureOf(client.itemPublicTokenExchange({ public_token: publicToken }))
    expect(plaidErrorOf(spent)?.error_code).toBe('INVALID_PUBLIC_TOKEN')
    await client.itemRemove({ access_token: accessToken })
    const removed = await failureOf(client.transactionsSync({ access_token: accessToken }))
    expect(plaidErrorOf(removed)?.error_code).toBe('ITEM_NOT_FOUND')
    // What careless callers do with a caught error and a response: the transport has scrubbed both.
    logs.logger.error({ err: removed }, 'sync failed')
    logs.logger.error({ err: spent, plaidError: plaidErrorOf(spent) }, 'exchange failed')
    const response = await client.itemGet({ access_token: 'access-sandbox-unknown' }).catch((error) => error)
    logs.logger.warn({ err: response }, 'item get failed')

    const text = logs.text()
    expect(text).toContain('/transactions/sync')
    for (const secret of [accessToken, publicToken, CLIENT_ID, SECRET]) expect(text).not.toContain(secret)
    expect(text.toLowerCase()).not.toContain('plaid-secret')
    expect(text.toLowerCase()).not.toContain('plaid-client-id')
    // Any token-shaped string at all (Plaid's own error text says "expected format: access-<environment>-…",
    // which is fine: it names the format, not a token).
    expect(text).not.toMatch(/\b(access|public|link)-(sandbox|development|production)-[\w-]+/)
    // Even serialising the error by hand (axios defines toJSON) reveals nothing.
    expect(JSON.stringify(removed)).not.toContain(SECRET)
    expect(JSON.stringify(removed)).not.toContain(accessToken)
  })
})

describe('connectPlaid', () => {
  test('PLAID_ENV=simulator starts an in-process simulator and returns a working, logging client', async () => {
    const logs = captureLogs('info')
    const connection = await connectPlaid(testConfig({ PLAID_ENV: 'simulator' }), logs.logger, {
      timeoutMs: 2_000,
    })
    try {
      expect(connection.env).toBe('simulator')
      expect(connection.timeoutMs).toBe(2_000)
      expect(connection.basePath).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const response = await connection.client.institutionsGetById({
        institution_id: 'ins_109508',
        country_codes: [CountryCode.Us],
      })
      expect(response.status).toBe(200)
      const line = logs.lines().find((entry) => entry.plaid) as { plaid: PlaidLine } | undefined
      expect(line?.plaid).toMatchObject({ method: '/institutions/get_by_id', status: 200, attempt: 1 })
      expect(logs.text()).not.toContain('tally-simulator-secret')
    } finally {
      await connection.close()
    }
  })
})
