import { describe, expect, test } from 'bun:test'
import { createApp } from '../src/app.ts'
import { useTestApp } from './helpers/app.ts'
import { testConfig } from './helpers/config.ts'
import { GOOD_PASSWORD, jsonRequest } from './helpers/users.ts'

// A database of its own: SIGNUPS=first-user depends on there being no user yet.
const tally = useTestApp({ env: { SIGNUPS: 'first-user' } })

const signUp = (app: { handle(r: Request): Promise<Response> }, email: string) =>
  app.handle(
    new Request('http://localhost/api/auth/signup', jsonRequest('POST', { email, password: GOOD_PASSWORD })),
  )

function appWith(env: Record<string, string>) {
  return createApp({
    config: testConfig({ PLAID_SIMULATOR_URL: tally.simulator.url, ...env }),
    sql: tally.db.sql,
    logger: tally.logs.logger,
    plaid: tally.plaid,
  })
}

describe('SIGNUPS', () => {
  test('first-user: of several people signing up at once, exactly one becomes the owner; then sign-up is closed', async () => {
    const responses = await Promise.all(
      ['a', 'b', 'c', 'd'].map((name) => signUp(tally.app, `${name}@example.com`)),
    )
    const statuses = responses.map((r) => r.status).sort()
    expect(statuses).toEqual([201, 403, 403, 403])
    const refused = await signUp(tally.app, 'late@example.com')
    expect(refused.status).toBe(403)
    expect((await refused.json()).code).toBe('SIGNUPS_CLOSED')
    const [{ n }] = (await tally.db.sql`select count(*)::int as n from users`) as never as [{ n: number }]
    expect(n).toBe(1)
  })

  test('closed: nobody can sign up', async () => {
    const response = await signUp(appWith({ SIGNUPS: 'closed' }), 'closed@example.com')
    expect(response.status).toBe(403)
    expect((await response.json()).code).toBe('SIGNUPS_CLOSED')
  })

  test('open: anyone can', async () => {
    expect((await signUp(appWith({ SIGNUPS: 'open' }), 'open1@example.com')).status).toBe(201)
    expect((await signUp(appWith({ SIGNUPS: 'open' }), 'open2@example.com')).status).toBe(201)
  })
})

describe('API docs in production', () => {
  test('the OpenAPI document is served, the interactive page is not', async () => {
    const app = createApp({
      config: testConfig({
        NODE_ENV: 'production',
        PUBLIC_URL: 'https://tally.example.com',
        DATABASE_URL: 'postgres://u@db/x',
        PLAID_CLIENT_ID: 'client_1234567',
        PLAID_SECRET: 'secret_1234567',
      }),
      sql: tally.db.sql,
      logger: tally.logs.logger,
      plaid: tally.plaid,
    })
    expect((await app.handle(new Request('http://localhost/api/openapi.json'))).status).toBe(200)
    expect((await app.handle(new Request('http://localhost/api/docs'))).status).toBe(404)
    expect((await app.handle(new Request('http://localhost/api/docs/swagger-ui-bundle.js'))).status).toBe(404)
  })
})
