import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { CountryCode, Products, SandboxItemFireWebhookRequestWebhookCodeEnum } from 'plaid'
import {
  FIXED_NOW,
  plaidClient,
  plaidFailure,
  type SimulatorHarness,
  startHarness,
} from './testing/harness.ts'

let harness: SimulatorHarness
beforeAll(async () => {
  harness = await startHarness({ now: () => FIXED_NOW })
})
afterAll(() => harness.stop())

const linkTokenRequest = {
  client_name: 'Tally',
  language: 'en',
  country_codes: [CountryCode.Us],
  user: { client_user_id: 'user-1' },
  products: [Products.Transactions],
}

describe('credentials and request validation', () => {
  test('wrong or missing API keys answer INVALID_API_KEYS', async () => {
    const wrong = plaidClient({ ...harness.simulator, secret: 'not-the-secret' })
    const failure = await plaidFailure(
      wrong.institutionsSearch({ query: 'bank', country_codes: [CountryCode.Us] }),
    )
    expect(failure.status).toBe(400)
    expect(failure.data).toMatchObject({
      error_type: 'INVALID_INPUT',
      error_code: 'INVALID_API_KEYS',
      display_message: null,
    })
    const missing = await fetch(`${harness.simulator.url}/institutions/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'bank', country_codes: ['US'] }),
    })
    expect((await missing.json()).error_code).toBe('INVALID_API_KEYS')
  })

  test('credentials in the body work like the headers', async () => {
    const response = await fetch(`${harness.simulator.url}/institutions/get_by_id`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: harness.simulator.clientId,
        secret: harness.simulator.secret,
        institution_id: 'ins_109511',
        country_codes: ['US'],
      }),
    })
    expect(response.status).toBe(200)
    expect((await response.json()).institution.name).toBe('Tartan Bank')
  })

  test('missing, unknown and invalid fields use Plaid INVALID_REQUEST codes', async () => {
    const { client } = harness
    const missing = await plaidFailure(client.accountsGet({} as never))
    expect(missing.data).toMatchObject({ error_type: 'INVALID_REQUEST', error_code: 'MISSING_FIELDS' })
    expect(missing.data.error_message).toContain('access_token')
    const unknown = await plaidFailure(
      client.itemGet({ access_token: 'access-sandbox-x', favourite_colour: 'teal' } as never),
    )
    expect(unknown.data).toMatchObject({ error_code: 'UNKNOWN_FIELDS' })
    expect(unknown.data.error_message).toContain('favourite_colour')
    const { accessToken } = await harness.linkItem()
    const tooMany = await plaidFailure(client.transactionsSync({ access_token: accessToken, count: 501 }))
    expect(tooMany.data).toMatchObject({ error_type: 'INVALID_REQUEST', error_code: 'INVALID_FIELD' })
  })

  test('malformed JSON, a wrong content type and unknown endpoints answer in Plaid error shape', async () => {
    const post = (path: string, body: string, type = 'application/json') =>
      fetch(`${harness.simulator.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body })
    const malformed = await post('/item/get', '{"access_token": ')
    expect(malformed.status).toBe(400)
    expect(await malformed.json()).toMatchObject({
      error_type: 'INVALID_REQUEST',
      error_code: 'INVALID_BODY',
    })
    const notJson = await post('/item/get', 'access_token=x', 'application/x-www-form-urlencoded')
    expect((await notJson.json()).error_code).toBe('INVALID_HEADERS')
    const array = await post('/item/get', '[]')
    expect((await array.json()).error_code).toBe('INVALID_BODY')
    const unknown = await post('/transactions/get_everything', '{}')
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toMatchObject({ error_type: 'INVALID_REQUEST', error_code: 'NOT_FOUND' })
    const wrongMethod = await fetch(`${harness.simulator.url}/item/get`)
    expect(wrongMethod.status).toBe(404)
  })

  test('every response carries a fresh request_id', async () => {
    const ids = new Set<string>()
    for (let i = 0; i < 20; i++) {
      const { data } = await harness.client.institutionsSearch({
        query: 'bank',
        country_codes: [CountryCode.Us],
      })
      ids.add(data.request_id)
    }
    const failure = await plaidFailure(harness.client.itemGet({ access_token: 'access-sandbox-nope' }))
    ids.add(failure.data.request_id)
    expect(ids.size).toBe(21)
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]{15}$/)
  })
})

describe('linking', () => {
  test('a sandbox public token exchanges once for an access token', async () => {
    const { client } = harness
    const created = await client.sandboxPublicTokenCreate({
      institution_id: 'ins_109508',
      initial_products: [Products.Transactions],
    })
    expect(created.data.public_token).toMatch(/^public-sandbox-[0-9a-f-]{36}$/)
    const exchanged = await client.itemPublicTokenExchange({ public_token: created.data.public_token })
    expect(exchanged.data.access_token).toMatch(/^access-sandbox-[0-9a-f-]{36}$/)
    expect(exchanged.data.item_id).toMatch(/^[A-Za-z0-9]{37}$/)
    const reused = await plaidFailure(
      client.itemPublicTokenExchange({ public_token: created.data.public_token }),
    )
    expect(reused.data).toMatchObject({ error_type: 'INVALID_INPUT', error_code: 'INVALID_PUBLIC_TOKEN' })
    const garbage = await plaidFailure(
      client.itemPublicTokenExchange({ public_token: 'public-sandbox-garbage' }),
    )
    expect(garbage.data.error_code).toBe('INVALID_PUBLIC_TOKEN')
  })

  test('public tokens expire after 30 minutes', async () => {
    const local = await startHarness({ now: () => FIXED_NOW })
    try {
      const created = await local.client.sandboxPublicTokenCreate({
        institution_id: 'ins_109508',
        initial_products: [Products.Transactions],
      })
      await local.control('POST', '/simulator/clock/advance', { minutes: 31 })
      const expired = await plaidFailure(
        local.client.itemPublicTokenExchange({ public_token: created.data.public_token }),
      )
      expect(expired.data.error_code).toBe('INVALID_PUBLIC_TOKEN')
      expect(expired.data.error_message).toContain('expired')
    } finally {
      await local.stop()
    }
  })

  test('sandbox credentials: error_<CODE> passwords, wrong passwords and unknown institutions fail like Plaid', async () => {
    const { client } = harness
    const create = (options: object, institution = 'ins_109508') =>
      client.sandboxPublicTokenCreate({
        institution_id: institution,
        initial_products: [Products.Transactions],
        options,
      })
    const locked = await plaidFailure(
      create({ override_username: 'user_good', override_password: 'error_ITEM_LOCKED' }),
    )
    expect(locked.data).toMatchObject({ error_type: 'ITEM_ERROR', error_code: 'ITEM_LOCKED' })
    const down = await plaidFailure(create({ override_password: 'error_INSTITUTION_DOWN' }))
    expect(down.data).toMatchObject({ error_type: 'INSTITUTION_ERROR', error_code: 'INSTITUTION_DOWN' })
    const wrong = await plaidFailure(
      create({ override_username: 'user_good', override_password: 'pass_bad' }),
    )
    expect(wrong.data.error_code).toBe('INVALID_CREDENTIALS')
    const nowhere = await plaidFailure(create({}, 'ins_999999'))
    expect(nowhere.data).toMatchObject({ error_type: 'INVALID_INPUT', error_code: 'INVALID_INSTITUTION' })
  })

  test('link tokens look like Plaid’s, expire in 4 hours (30 minutes in update mode) and validate input', async () => {
    const { client } = harness
    const created = await client.linkTokenCreate(linkTokenRequest)
    expect(created.data.link_token).toMatch(/^link-sandbox-[0-9a-f-]{36}$/)
    expect(Date.parse(created.data.expiration) - FIXED_NOW.getTime()).toBe(4 * 3_600_000)
    const { accessToken } = await harness.linkItem()
    const update = await client.linkTokenCreate({
      ...linkTokenRequest,
      products: [],
      access_token: accessToken,
    })
    expect(Date.parse(update.data.expiration) - FIXED_NOW.getTime()).toBe(30 * 60_000)
    const noProducts = await plaidFailure(client.linkTokenCreate({ ...linkTokenRequest, products: [] }))
    expect(noProducts.data.error_code).toBe('INVALID_FIELD')
    const badProduct = await plaidFailure(
      client.linkTokenCreate({ ...linkTokenRequest, products: ['telepathy' as Products] }),
    )
    expect(badProduct.data.error_code).toBe('INVALID_PRODUCT')
    const badToken = await plaidFailure(
      client.linkTokenCreate({
        ...linkTokenRequest,
        access_token: 'access-sandbox-00000000-0000-0000-0000-000000000000',
      }),
    )
    expect(badToken.data.error_code).toBe('INVALID_ACCESS_TOKEN')
  })
})

describe('items and accounts', () => {
  test('three accounts with Plaid Sandbox names, masks and subtypes, filterable by id', async () => {
    const { client } = harness
    const { accessToken, itemId } = await harness.linkItem()
    const { data } = await client.accountsGet({ access_token: accessToken })
    expect(data.item.item_id).toBe(itemId)
    expect(data.item.institution_id).toBe('ins_109508')
    expect(
      data.accounts.map((account) => [account.name, account.mask, account.type, account.subtype]),
    ).toEqual([
      ['Plaid Checking', '0000', 'depository', 'checking'],
      ['Plaid Saving', '1111', 'depository', 'savings'],
      ['Plaid Credit Card', '3333', 'credit', 'credit card'],
    ])
    for (const account of data.accounts) expect(account.balances.iso_currency_code).toBe('USD')
    const first = data.accounts[0]?.account_id ?? ''
    const filtered = await client.accountsBalanceGet({
      access_token: accessToken,
      options: { account_ids: [first] },
    })
    expect(filtered.data.accounts.map((account) => account.account_id)).toEqual([first])
    const unknown = await plaidFailure(
      client.accountsGet({ access_token: accessToken, options: { account_ids: ['nope'] } }),
    )
    expect(unknown.data.error_code).toBe('INVALID_ACCOUNT_ID')
  })

  test('access tokens: malformed and unknown ones are INVALID_ACCESS_TOKEN; removed items are ITEM_NOT_FOUND', async () => {
    const { client } = harness
    const malformed = await plaidFailure(client.accountsGet({ access_token: 'not-a-token' }))
    expect(malformed.data).toMatchObject({ error_type: 'INVALID_INPUT', error_code: 'INVALID_ACCESS_TOKEN' })
    const unknown = await plaidFailure(
      client.itemGet({ access_token: 'access-sandbox-00000000-0000-0000-0000-000000000000' }),
    )
    expect(unknown.data.error_code).toBe('INVALID_ACCESS_TOKEN')
    const { accessToken } = await harness.linkItem()
    const removed = await client.itemRemove({ access_token: accessToken })
    expect(removed.data.request_id).toBeString()
    for (const call of [
      client.itemGet({ access_token: accessToken }),
      client.accountsGet({ access_token: accessToken }),
      client.transactionsSync({ access_token: accessToken }),
    ]) {
      expect((await plaidFailure(call)).data).toMatchObject({
        error_type: 'ITEM_ERROR',
        error_code: 'ITEM_NOT_FOUND',
      })
    }
  })

  test('reset_login breaks data endpoints with ITEM_LOGIN_REQUIRED while /item/get reports the error', async () => {
    const { client } = harness
    const { accessToken } = await harness.linkItem()
    expect((await client.sandboxItemResetLogin({ access_token: accessToken })).data.reset_login).toBe(true)
    for (const call of [
      client.accountsGet({ access_token: accessToken }),
      client.accountsBalanceGet({ access_token: accessToken }),
      client.transactionsSync({ access_token: accessToken }),
      client.transactionsRefresh({ access_token: accessToken }),
    ]) {
      const failure = await plaidFailure(call)
      expect(failure.status).toBe(400)
      expect(failure.data).toMatchObject({ error_type: 'ITEM_ERROR', error_code: 'ITEM_LOGIN_REQUIRED' })
    }
    const item = await client.itemGet({ access_token: accessToken })
    expect(item.data.item.error?.error_code).toBe('ITEM_LOGIN_REQUIRED')
  })

  test('webhook update and fire_webhook need a valid URL on the item', async () => {
    const { client } = harness
    const { accessToken } = await harness.linkItem()
    const noHook = await plaidFailure(
      client.sandboxItemFireWebhook({
        access_token: accessToken,
        webhook_code: SandboxItemFireWebhookRequestWebhookCodeEnum.DefaultUpdate,
      }),
    )
    expect(noHook.data).toMatchObject({ error_type: 'SANDBOX_ERROR', error_code: 'SANDBOX_WEBHOOK_INVALID' })
    const badUrl = await plaidFailure(
      client.itemWebhookUpdate({ access_token: accessToken, webhook: 'not a url' }),
    )
    expect(badUrl.data.error_code).toBe('INVALID_FIELD')
    const updated = await client.itemWebhookUpdate({
      access_token: accessToken,
      webhook: 'http://127.0.0.1:9/hook',
    })
    expect(updated.data.item.webhook).toBe('http://127.0.0.1:9/hook')
    const badCode = await plaidFailure(
      client.sandboxItemFireWebhook({ access_token: accessToken, webhook_code: 'NOPE' as never }),
    )
    expect(badCode.data.error_code).toBe('INVALID_FIELD')
  })
})

describe('institutions', () => {
  test('get_by_id returns the sandbox institution; metadata only when asked', async () => {
    const { client } = harness
    const plain = await client.institutionsGetById({
      institution_id: 'ins_109510',
      country_codes: [CountryCode.Us],
    })
    expect(plain.data.institution).toMatchObject({
      institution_id: 'ins_109510',
      name: 'Tattersall Federal Credit Union',
      oauth: false,
    })
    expect(plain.data.institution.products).toContain(Products.Transactions)
    expect(plain.data.institution.primary_color).toBeUndefined()
    const rich = await client.institutionsGetById({
      institution_id: 'ins_109512',
      country_codes: [CountryCode.Us],
      options: { include_optional_metadata: true },
    })
    expect(rich.data.institution.name).toBe('Houndstooth Bank')
    expect(rich.data.institution.primary_color).toMatch(/^#[0-9a-f]{6}$/)
    const wrongCountry = await plaidFailure(
      client.institutionsGetById({ institution_id: 'ins_109510', country_codes: [CountryCode.Gb] }),
    )
    expect(wrongCountry.data.error_code).toBe('INVALID_INSTITUTION')
  })

  test('search matches name prefixes and filters by product', async () => {
    const { client } = harness
    const names = async (query: string, products?: Products[]) =>
      (
        await client.institutionsSearch({
          query,
          country_codes: [CountryCode.Us],
          ...(products ? { products } : {}),
        })
      ).data.institutions.map((institution) => institution.name)
    expect(await names('plat')).toEqual(['First Platypus Bank'])
    expect(await names('first')).toEqual(['First Platypus Bank', 'First Gingham Credit Union'])
    expect(await names('credit union')).toEqual([
      'First Gingham Credit Union',
      'Tattersall Federal Credit Union',
    ])
    expect(await names('bank', [Products.Investments])).toEqual(['First Platypus Bank', 'Tartan Bank'])
    expect(await names('nothing like it')).toEqual([])
  })
})
