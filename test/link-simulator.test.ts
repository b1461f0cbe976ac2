import { describe, expect, test } from 'bun:test'
import { createApp } from '../src/app.ts'
import { linkFailure } from '../src/modules/link-simulator/service.ts'
import { useTestApp } from './helpers/app.ts'
import { as, jsonRequest, signUp, type TestUser } from './helpers/users.ts'

/** The dashboard's same-origin path through the simulator's Link stand-in, and its public config. */
const tally = useTestApp()

async function json(response: Response, status = 200) {
  const body = await response.json()
  if (response.status !== status) throw new Error(`${response.status}: ${JSON.stringify(body)}`)
  return body
}

async function openSession(user: TestUser, itemId?: string) {
  const token = await json(await tally.request('/api/link/token', as(user, 'POST', itemId ? { itemId } : {})))
  return json(
    await tally.request('/api/link/simulator/sessions', as(user, 'POST', { linkToken: token.linkToken })),
  )
}

async function link(user: TestUser) {
  const session = await openSession(user)
  const base = `/api/link/simulator/sessions/${session.sessionId}`
  const { accounts } = await json(
    await tally.request(
      `${base}/credentials`,
      as(user, 'POST', { institutionId: 'ins_109508', username: 'user_good', password: 'pass_good' }),
    ),
  )
  const success = await json(
    await tally.request(
      `${base}/accounts`,
      as(user, 'POST', { accountIds: accounts.map((a: { id: string }) => a.id) }),
    ),
  )
  return { session, accounts, success }
}

describe('GET /api/client-config', () => {
  test('is public and tells the dashboard which Link to use and whether sign-up is open', async () => {
    const response = await tally.request('/api/client-config')
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await response.json()).toEqual({ plaidEnv: 'simulator', signups: 'open' })
  })
})

describe('Link stand-in proxy', () => {
  test('create mode: banks, log-in, accounts, then the public token links the bank', async () => {
    const user = await signUp(tally)
    const session = await openSession(user)
    expect(session.mode).toBe('create')
    expect(session.institutions.map((i: { name: string }) => i.name)).toContain('First Platypus Bank')
    const { accounts, success } = await link(user)
    expect(accounts.map((a: { name: string }) => a.name)).toEqual([
      'Plaid Checking',
      'Plaid Saving',
      'Plaid Credit Card',
    ])
    expect(success.institution).toEqual({ institutionId: 'ins_109508', name: 'First Platypus Bank' })
    expect(success.publicToken).toStartWith('public-')
    const created = await tally.request(
      '/api/items',
      as(user, 'POST', {
        publicToken: success.publicToken,
        institutionId: success.institution.institutionId,
      }),
    )
    const { item } = await json(created, 201)
    expect(item.institutionName).toBe('First Platypus Bank')
    expect(item.accountsCount).toBe(3)
  })

  test('a refused bank log-in reaches the UI as a readable problem', async () => {
    const user = await signUp(tally)
    const session = await openSession(user)
    const response = await tally.request(
      `/api/link/simulator/sessions/${session.sessionId}/credentials`,
      as(user, 'POST', { institutionId: 'ins_109508', username: 'user_good', password: 'wrong' }),
    )
    expect(response.status).toBe(422)
    expect(response.headers.get('content-type')).toStartWith('application/problem+json')
    const problem = await response.json()
    expect(problem.code).toBe('LINK_INVALID_CREDENTIALS')
    expect(problem.detail).toMatch(/credentials were not correct/i)
    expect(JSON.stringify(problem)).not.toContain('wrong')
  })

  test('update mode re-authenticates an item whose login is required', async () => {
    const user = await signUp(tally)
    const { success } = await link(user)
    const { item } = await json(
      await tally.request(
        '/api/items',
        as(user, 'POST', { publicToken: success.publicToken, institutionId: 'ins_109508' }),
      ),
      201,
    )
    const session = await openSession(user, item.id)
    expect(session.mode).toBe('update')
    expect(session.institution.name).toBe('First Platypus Bank')
    expect(session.itemId).toBeString()
  })

  test('a link session belongs to the user who opened it', async () => {
    const owner = await signUp(tally)
    const other = await signUp(tally)
    const session = await openSession(owner)
    const response = await tally.request(
      `/api/link/simulator/sessions/${session.sessionId}/credentials`,
      as(other, 'POST', { institutionId: 'ins_109508', username: 'user_good', password: 'pass_good' }),
    )
    expect(response.status).toBe(404)
    expect((await response.json()).code).toBe('LINK_SESSION_NOT_FOUND')
    const exit = await json(
      await tally.request(`/api/link/simulator/sessions/${session.sessionId}/exit`, as(owner, 'POST')),
    )
    expect(exit.status).toBe('requires_credentials')
  })

  test('needs a session, validates bodies, and rejects unknown link tokens', async () => {
    expect((await tally.request('/api/link/simulator/institutions')).status).toBe(401)
    const user = await signUp(tally)
    const institutions = await json(await tally.request('/api/link/simulator/institutions', as(user, 'GET')))
    expect(institutions.institutions).toHaveLength(5)
    const invalid = await tally.request('/api/link/simulator/sessions', as(user, 'POST', { linkToken: 42 }))
    expect(invalid.status).toBe(422)
    const unknown = await tally.request(
      '/api/link/simulator/sessions',
      as(user, 'POST', { linkToken: 'link-sandbox-nope' }),
    )
    expect(unknown.status).toBe(422)
    expect((await unknown.json()).code).toBe('LINK_INVALID_LINK_TOKEN')
  })

  test('appears in the OpenAPI document', async () => {
    const spec = await json(await tally.request('/api/openapi.json'))
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/client-config',
        '/api/link/simulator/sessions',
        '/api/link/simulator/sessions/{sessionId}/credentials',
      ]),
    )
  })

  test('does not exist outside the simulator', async () => {
    const app = createApp({
      config: { ...tally.config, PLAID_ENV: 'sandbox' },
      sql: tally.db.sql,
      logger: tally.logs.logger,
      plaid: tally.plaid,
    })
    const user = await signUp(tally)
    const response = await app.handle(
      new Request('http://localhost/api/link/simulator/institutions', as(user, 'GET')),
    )
    expect(response.status).toBe(404)
    const config = await app.handle(new Request('http://localhost/api/client-config', jsonRequest('GET')))
    expect((await config.json()).plaidEnv).toBe('sandbox')
  })
})

test('simulator failures map to problems without leaking internals', () => {
  expect(linkFailure(500, {}).code).toBe('LINK_UNAVAILABLE')
  const locked = linkFailure(400, { error_code: 'ITEM_LOCKED', display_message: 'Locked, call the bank.' })
  expect([locked.code, locked.detail]).toEqual(['LINK_ITEM_LOCKED', 'Locked, call the bank.'])
  expect(linkFailure(400, { error_code: 'weird<script>' }).code).toBe('LINK_UNKNOWN')
})
