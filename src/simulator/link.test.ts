import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { CountryCode, Products } from 'plaid'
import {
  FIXED_NOW,
  type Json,
  type SimulatorHarness,
  startHarness,
  startWebhookReceiver,
} from './testing/harness.ts'

describe('Link stand-in', () => {
  let harness: SimulatorHarness
  let receiver: ReturnType<typeof startWebhookReceiver>
  beforeAll(async () => {
    harness = await startHarness({ now: () => FIXED_NOW })
    receiver = startWebhookReceiver()
  })
  afterAll(async () => {
    await harness.stop()
    receiver.stop()
  })

  /** What a browser on another origin sends: no credentials, just JSON. */
  const link = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${harness.simulator.url}/simulator/link${path}`, {
      method,
      headers: { 'content-type': 'application/json', origin: 'http://localhost:5173' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    return { status: response.status, headers: response.headers, body: (await response.json()) as Json }
  }

  const linkToken = async (extra: object = {}) =>
    (
      await harness.client.linkTokenCreate({
        client_name: 'Tally',
        language: 'en',
        country_codes: [CountryCode.Us],
        user: { client_user_id: 'user-1' },
        products: [Products.Transactions],
        webhook: receiver.url,
        ...extra,
      })
    ).data.link_token

  test('CORS preflight and responses allow another origin', async () => {
    const preflight = await fetch(`${harness.simulator.url}/simulator/link/sessions`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*')
    expect(preflight.headers.get('access-control-allow-headers')).toContain('content-type')
    const institutions = await link('GET', '/institutions')
    expect(institutions.headers.get('access-control-allow-origin')).toBe('*')
    expect(institutions.body.institutions).toHaveLength(5)
  })

  test('institution → credentials → accounts yields a public token and onSuccess metadata that exchange works with', async () => {
    const session = await link('POST', '/sessions', { link_token: await linkToken() })
    expect(session.status).toBe(200)
    expect(session.body.mode).toBe('create')
    expect(session.body.institutions.map((i: Json) => i.institution_id)).toContain('ins_109508')
    const id = session.body.link_session_id
    const login = await link('POST', `/sessions/${id}/credentials`, {
      institution_id: 'ins_109509',
      username: 'user_good',
      password: 'pass_good',
    })
    expect(login.body.accounts.map((a: Json) => a.mask)).toEqual(['0000', '1111', '3333'])
    const chosen = login.body.accounts.filter((a: Json) => a.subtype !== 'savings')
    const done = await link('POST', `/sessions/${id}/accounts`, {
      account_ids: chosen.map((a: Json) => a.id),
    })
    expect(done.body.public_token).toMatch(/^public-sandbox-/)
    expect(done.body.metadata).toMatchObject({
      institution: { name: 'First Gingham Credit Union', institution_id: 'ins_109509' },
      link_session_id: id,
    })
    expect(done.body.metadata.accounts).toEqual(
      chosen.map((a: Json) => ({
        id: a.id,
        name: a.name,
        mask: a.mask,
        type: a.type,
        subtype: a.subtype,
        verification_status: null,
      })),
    )
    const exchanged = await harness.client.itemPublicTokenExchange({ public_token: done.body.public_token })
    const accounts = await harness.client.accountsGet({ access_token: exchanged.data.access_token })
    expect(accounts.data.accounts.map((a) => a.account_id)).toEqual(chosen.map((a: Json) => a.id))
    expect(accounts.data.item.webhook).toBe(receiver.url)
    const again = await link('POST', `/sessions/${id}/accounts`, { account_ids: [chosen[0].id] })
    expect(again.status).toBe(400)
  })

  test('wrong credentials and error_<CODE> passwords fail the login step with Plaid errors', async () => {
    const session = await link('POST', '/sessions', { link_token: await linkToken() })
    const id = session.body.link_session_id
    const wrong = await link('POST', `/sessions/${id}/credentials`, {
      institution_id: 'ins_109508',
      username: 'user_good',
      password: 'nope',
    })
    expect(wrong.status).toBe(400)
    expect(wrong.body).toMatchObject({ error_type: 'ITEM_ERROR', error_code: 'INVALID_CREDENTIALS' })
    expect(wrong.body.display_message).toBeString()
    const locked = await link('POST', `/sessions/${id}/credentials`, {
      institution_id: 'ins_109508',
      username: 'user_good',
      password: 'error_ITEM_LOCKED',
    })
    expect(locked.body.error_code).toBe('ITEM_LOCKED')
    const early = await link('POST', `/sessions/${id}/accounts`, { account_ids: ['x'] })
    expect(early.status).toBe(400)
    const badToken = await link('POST', '/sessions', {
      link_token: 'link-sandbox-00000000-0000-0000-0000-000000000000',
    })
    expect(badToken.body.error_code).toBe('INVALID_LINK_TOKEN')
  })

  test('update mode re-authenticates an item in ITEM_LOGIN_REQUIRED and fires LOGIN_REPAIRED', async () => {
    const { accessToken, itemId } = await harness.linkItem({ webhook: receiver.url })
    await harness.client.sandboxItemResetLogin({ access_token: accessToken })
    const session = await link('POST', '/sessions', {
      link_token: await linkToken({ products: [], access_token: accessToken }),
    })
    expect(session.body).toMatchObject({
      mode: 'update',
      item_id: itemId,
      institution: { institution_id: 'ins_109508' },
    })
    const id = session.body.link_session_id
    const login = await link('POST', `/sessions/${id}/credentials`, {
      username: 'user_good',
      password: 'pass_good',
    })
    const done = await link('POST', `/sessions/${id}/accounts`, {
      account_ids: login.body.accounts.map((a: Json) => a.id),
    })
    expect(done.body.metadata.institution.institution_id).toBe('ins_109508')
    expect((await harness.client.accountsGet({ access_token: accessToken })).status).toBe(200)
    for (let i = 0; i < 100 && !receiver.received.some((w) => w.json.webhook_code === 'LOGIN_REPAIRED'); i++)
      await Bun.sleep(10)
    expect(receiver.received.find((w) => w.json.webhook_code === 'LOGIN_REPAIRED')?.json.item_id).toBe(itemId)
  })

  test('an expired link token cannot open a session', async () => {
    const local = await startHarness({ now: () => FIXED_NOW })
    try {
      const token = (
        await local.client.linkTokenCreate({
          client_name: 'Tally',
          language: 'en',
          country_codes: [CountryCode.Us],
          user: { client_user_id: 'u' },
          products: [Products.Transactions],
        })
      ).data.link_token
      await local.control('POST', '/simulator/clock/advance', { hours: 5 })
      const response = await fetch(`${local.simulator.url}/simulator/link/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ link_token: token }),
      })
      expect((await response.json()).error_code).toBe('INVALID_LINK_TOKEN')
    } finally {
      await local.stop()
    }
  })
})
