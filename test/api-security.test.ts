import { describe, expect, test } from 'bun:test'
import { useTestApp } from './helpers/app.ts'
import { runTally } from './helpers/process.ts'
import { as, cookieOf, jsonRequest, ORIGIN, signUp } from './helpers/users.ts'

const tally = useTestApp({ env: { CORS_ORIGINS: 'https://admin.example.com' } })

describe('CSRF: unsafe requests with a session must come from our own origin', () => {
  const changePassword = (cookie: string, headers: Record<string, string>) =>
    tally.request('/api/sessions/revoke-others', { method: 'POST', headers: { cookie, ...headers } })

  test('a cross-origin POST with a valid cookie is refused with 403 CSRF_REJECTED and changes nothing', async () => {
    const user = await signUp(tally)
    const other = cookieOf(
      await tally.request(
        '/api/auth/login',
        jsonRequest('POST', { email: user.email, password: user.password }),
      ),
    )
    const response = await changePassword(user.cookie, { origin: 'https://evil.example' })
    expect(response.status).toBe(403)
    expect((await response.json()).code).toBe('CSRF_REJECTED')
    expect((await tally.request('/api/me', { headers: { cookie: other } })).status).toBe(200)
  })

  test.each([
    ['no Origin and no Referer', {}],
    ['Origin "null"', { origin: 'null' }],
    ['a foreign Referer', { referer: 'https://evil.example/page' }],
    ['a look-alike origin', { origin: 'http://localhost:3000.evil.example' }],
    ['another port', { origin: 'http://localhost:3001' }],
  ])('refuses %s', async (_, headers) => {
    const user = await signUp(tally)
    expect((await changePassword(user.cookie, headers)).status).toBe(403)
  })

  test.each([
    ['PUBLIC_URL as Origin', { origin: ORIGIN }],
    ['PUBLIC_URL as Referer', { referer: `${ORIGIN}/settings` }],
    ['an origin in CORS_ORIGINS', { origin: 'https://admin.example.com' }],
  ])('accepts %s', async (_, headers) => {
    const user = await signUp(tally)
    expect((await changePassword(user.cookie, headers)).status).toBe(200)
  })

  test('log-in from a foreign page is refused even without a cookie (log-in CSRF)', async () => {
    const user = await signUp(tally)
    const response = await tally.request(
      '/api/auth/login',
      jsonRequest('POST', { email: user.email, password: user.password }, { origin: 'https://evil.example' }),
    )
    expect(response.status).toBe(403)
  })

  test('safe methods and clients with neither cookie nor Origin are not affected', async () => {
    const user = await signUp(tally)
    expect(
      (await tally.request('/api/me', { headers: { cookie: user.cookie, origin: 'https://evil.example' } }))
        .status,
    ).toBe(200)
    const scripted = await tally.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: user.password }),
    })
    expect(scripted.status).toBe(200)
  })

  test('webhooks are exempt: they are not refused for their origin', async () => {
    const response = await tally.request('/api/webhooks/plaid', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: 'https://plaid.example',
        cookie: 'tally_session=x',
      },
      body: '{}',
    })
    expect(response.status).not.toBe(403)
  })
})

describe('content types', () => {
  test.each([
    ['text/plain', 'email=a'],
    ['application/x-www-form-urlencoded', 'email=a&password=b'],
    ['multipart/form-data; boundary=x', '--x--'],
  ])('a %s body is 415 UNSUPPORTED_MEDIA_TYPE', async (type, body) => {
    const response = await tally.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': type, origin: ORIGIN },
      body,
    })
    expect(response.status).toBe(415)
    expect((await response.json()).code).toBe('UNSUPPORTED_MEDIA_TYPE')
  })

  test('application/json with a charset is fine; malformed JSON is 400; a bad field is 422 with errors', async () => {
    const login = (body: string) =>
      tally.request('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', origin: ORIGIN },
        body,
      })
    expect((await login(JSON.stringify({ email: 'x@example.com', password: 'whatever-it-is' }))).status).toBe(
      401,
    )
    expect((await (await login('{"email":')).json()).code).toBe('MALFORMED_BODY')
    const invalid = await (await login(JSON.stringify({ email: 42, extra: true }))).json()
    expect(invalid.code).toBe('VALIDATION_FAILED')
    expect(invalid.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/email', '/password']) // unknown fields are dropped, not refused
  })
})

describe('caching', () => {
  test('API responses with personal data are never stored: Cache-Control: no-store', async () => {
    const user = await signUp(tally)
    for (const path of ['/api/me', '/api/sessions', '/api/audit', '/api/nope'])
      expect((await tally.request(path, as(user, 'GET'))).headers.get('cache-control')).toBe('no-store')
  })
})

describe('sessions API', () => {
  test('lists live sessions with the current one marked; revokes one; revokes the others', async () => {
    const user = await signUp(tally)
    const second = cookieOf(
      await tally.request(
        '/api/auth/login',
        jsonRequest('POST', { email: user.email, password: user.password }, { 'user-agent': 'Phone/1.0' }),
      ),
    )
    const third = cookieOf(
      await tally.request(
        '/api/auth/login',
        jsonRequest('POST', { email: user.email, password: user.password }),
      ),
    )
    const list = await (await tally.request('/api/sessions', as(user, 'GET'))).json()
    expect(list.sessions).toHaveLength(3)
    expect(list.sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1)
    expect(list.sessions.map((s: { userAgent: string | null }) => s.userAgent)).toContain('Phone/1.0')
    expect(JSON.stringify(list)).not.toMatch(/token|hash/i)

    const phone = list.sessions.find((s: { userAgent: string | null }) => s.userAgent === 'Phone/1.0')
    expect((await tally.request(`/api/sessions/${phone.id}`, as(user, 'DELETE'))).status).toBe(204)
    expect((await tally.request('/api/me', { headers: { cookie: second } })).status).toBe(401)
    expect((await tally.request(`/api/sessions/${phone.id}`, as(user, 'DELETE'))).status).toBe(404)

    const others = await tally.request('/api/sessions/revoke-others', as(user, 'POST'))
    expect(await others.json()).toEqual({ revoked: 1 })
    expect((await tally.request('/api/me', { headers: { cookie: third } })).status).toBe(401)
    expect((await tally.request('/api/me', as(user, 'GET'))).status).toBe(200)
  })

  test('revoking your own session logs you out', async () => {
    const user = await signUp(tally)
    const [current] = (await (await tally.request('/api/sessions', as(user, 'GET'))).json()).sessions
    const response = await tally.request(`/api/sessions/${current.id}`, as(user, 'DELETE'))
    expect(response.status).toBe(204)
    expect(response.headers.get('set-cookie')).toContain('Max-Age=0')
    expect((await tally.request('/api/me', as(user, 'GET'))).status).toBe(401)
  })

  test('`tally sessions revoke-all` ends every session of every user', async () => {
    const users = [await signUp(tally), await signUp(tally)]
    const result = await runTally(['sessions', 'revoke-all'], {
      DATABASE_URL: tally.db.url,
      ENCRYPTION_KEY: 'ab'.repeat(32),
      LOG_FORMAT: 'json',
    })
    expect(result.code).toBe(0)
    expect(result.stderr).toContain('revoked all')
    for (const user of users) expect((await tally.request('/api/me', as(user, 'GET'))).status).toBe(401)
    const [event] = await tally.db.sql`select details from audit_events where event = 'sessions_revoked_all'`
    expect(event?.details.revoked).toBeGreaterThanOrEqual(2)
  })
})

describe('audit log', () => {
  test('lists your own security events newest first, with keyset pagination', async () => {
    const user = await signUp(tally)
    await tally.request(
      '/api/auth/login',
      jsonRequest('POST', { email: user.email, password: 'wrong-password-9' }),
    )
    await tally.request(
      '/api/auth/login',
      jsonRequest('POST', { email: user.email, password: user.password }),
    )
    await tally.request('/api/sessions/revoke-others', as(user, 'POST'))
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page = await (
        await tally.request(`/api/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`, as(user, 'GET'))
      ).json()
      expect(page.events.length).toBeLessThanOrEqual(2)
      seen.push(...page.events.map((e: { event: string }) => e.event))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen).toEqual(['sessions_revoked_others', 'login_succeeded', 'login_failed', 'signup'])
  })

  test('a cursor that was not issued by the API is 422 INVALID_CURSOR; limit is bounded', async () => {
    const user = await signUp(tally)
    for (const cursor of [
      'garbage',
      Buffer.from('["x"]').toString('base64url'),
      Buffer.from('{}').toString('base64url'),
    ]) {
      const response = await tally.request(`/api/audit?cursor=${cursor}`, as(user, 'GET'))
      expect(response.status).toBe(422)
      expect((await response.json()).code).toBe('INVALID_CURSOR')
    }
    const tooMany = await tally.request('/api/audit?limit=201', as(user, 'GET'))
    expect(tooMany.status).toBe(422)
    expect((await tooMany.json()).errors).toEqual([
      { in: 'query', path: '/limit', message: expect.stringContaining('less or equal to 200') },
    ])
    expect((await tally.request('/api/audit?limit=0', as(user, 'GET'))).status).toBe(422)
  })
})

describe('OpenAPI', () => {
  test('/api/openapi.json is OpenAPI 3.1 and documents every /api route with JSON-only request bodies', async () => {
    const document = await (await tally.request('/api/openapi.json')).json()
    expect(document.openapi).toMatch(/^3\.1\./)
    const documented = new Set(
      Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
      ),
    )
    const routes = tally.app.routes.filter(
      (r) => r.path.startsWith('/api/') && !r.path.startsWith('/api/docs') && r.path !== '/api/openapi.json',
    )
    for (const route of routes) expect(documented).toContain(`${route.method} ${route.path}`)
    for (const methods of Object.values(
      document.paths as Record<string, Record<string, { requestBody?: { content: object } }>>,
    ))
      for (const operation of Object.values(methods))
        if (operation.requestBody)
          expect(Object.keys(operation.requestBody.content)).toEqual(['application/json'])
  })

  test('/api/docs is an interactive page outside production, served without any CDN', async () => {
    const page = await tally.request('/api/docs')
    expect(page.headers.get('content-type')).toContain('text/html')
    const html = await page.text()
    expect(html).not.toMatch(/https?:\/\//)
    expect(html).not.toMatch(/<script>[^<]/) // no inline script
    for (const asset of html.matchAll(/(?:src|href)="([^"]+)"/g))
      expect((await tally.request(asset[1] as string)).status).toBe(200)
  })
})
