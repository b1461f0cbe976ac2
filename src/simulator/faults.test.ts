import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { CountryCode } from 'plaid'
import { FIXED_NOW, plaidFailure, type SimulatorHarness, startHarness } from './testing/harness.ts'

describe('fault injection', () => {
  let harness: SimulatorHarness
  beforeAll(async () => {
    harness = await startHarness({ now: () => FIXED_NOW })
  })
  afterAll(() => harness.stop())
  afterEach(() => harness.control('DELETE', '/simulator/faults'))

  const search = () => harness.client.institutionsSearch({ query: 'bank', country_codes: [CountryCode.Us] })

  test('internal errors answer 500 API_ERROR/INTERNAL_SERVER_ERROR', async () => {
    await harness.control('PUT', '/simulator/faults', {
      endpoint: '/institutions/search',
      internal_error_rate: 1,
    })
    const failure = await plaidFailure(search())
    expect(failure.status).toBe(500)
    expect(failure.data).toMatchObject({ error_type: 'API_ERROR', error_code: 'INTERNAL_SERVER_ERROR' })
  })

  test('rate limits answer 429 with the endpoint’s own limit code', async () => {
    const { accessToken } = await harness.linkItem()
    await harness.control('PUT', '/simulator/faults', { endpoint: '*', rate_limit_rate: 1 })
    const sync = await plaidFailure(harness.client.transactionsSync({ access_token: accessToken }))
    expect(sync.status).toBe(429)
    expect(sync.data).toMatchObject({
      error_type: 'RATE_LIMIT_EXCEEDED',
      error_code: 'TRANSACTIONS_SYNC_LIMIT',
    })
    const accounts = await plaidFailure(harness.client.accountsGet({ access_token: accessToken }))
    expect(accounts.data.error_code).toBe('ACCOUNTS_LIMIT')
  })

  test('PRODUCT_NOT_READY is an ITEM_ERROR', async () => {
    const { accessToken } = await harness.linkItem()
    await harness.control('PUT', '/simulator/faults', {
      endpoint: '/transactions/sync',
      product_not_ready_rate: 1,
    })
    const failure = await plaidFailure(harness.client.transactionsSync({ access_token: accessToken }))
    expect(failure.data).toMatchObject({ error_type: 'ITEM_ERROR', error_code: 'PRODUCT_NOT_READY' })
  })

  test('latency delays the answer', async () => {
    await harness.control('PUT', '/simulator/faults', { endpoint: '/institutions/search', latency_ms: 150 })
    const started = performance.now()
    await search()
    expect(performance.now() - started).toBeGreaterThanOrEqual(140)
  })

  test('a dropped connection reaches the client as a network error, not an HTTP answer', async () => {
    await harness.control('PUT', '/simulator/faults', {
      endpoint: '/institutions/search',
      drop_connection_rate: 1,
    })
    const error = await search().then(
      () => null,
      (failure) => failure,
    )
    expect(error).not.toBeNull()
    expect(error.response).toBeUndefined()
    expect(error.code).toBe('ECONNRESET')
  })

  test('`remaining` limits a rule to the next N requests; other endpoints are untouched', async () => {
    await harness.control('PUT', '/simulator/faults', {
      endpoint: '/institutions/search',
      internal_error_rate: 1,
      remaining: 2,
    })
    const other = await harness.client.institutionsGetById({
      institution_id: 'ins_109508',
      country_codes: [CountryCode.Us],
    })
    expect(other.status).toBe(200)
    expect((await plaidFailure(search())).status).toBe(500)
    expect((await plaidFailure(search())).status).toBe(500)
    expect((await search()).status).toBe(200)
    expect((await harness.control('GET', '/simulator/faults')).body.faults).toEqual({})
  })

  test('fault settings are validated', async () => {
    const badRate = await harness.control('PUT', '/simulator/faults', { internal_error_rate: 2 })
    expect(badRate.status).toBe(400)
    expect(badRate.body.error_code).toBe('INVALID_FIELD')
    const badEndpoint = await harness.control('PUT', '/simulator/faults', {
      endpoint: '/nope',
      internal_error_rate: 1,
    })
    expect(badEndpoint.body.error_code).toBe('INVALID_FIELD')
    const unknownField = await harness.control('PUT', '/simulator/faults', { explode: true })
    expect(unknownField.body.error_code).toBe('UNKNOWN_FIELDS')
  })

  test('probabilistic faults fail roughly at the configured rate', async () => {
    await harness.control('PUT', '/simulator/faults', {
      endpoint: '/institutions/search',
      internal_error_rate: 0.3,
    })
    let failures = 0
    for (let i = 0; i < 200; i++)
      failures += (await search().then(
        () => 0,
        () => 1,
      )) as number
    expect(failures).toBeGreaterThan(30)
    expect(failures).toBeLessThan(90)
  })
})
