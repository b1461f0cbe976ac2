import { describe, expect, test } from 'bun:test'
import { THROTTLE } from '../src/modules/auth/throttle.ts'
import { useTestApp } from './helpers/app.ts'
import { as, cookieOf, GOOD_PASSWORD, jsonRequest, signUp } from './helpers/users.ts'

const tally = useTestApp()
const MINUTE = 60_000

const login = (email: string, password: string, headers: Record<string, string> = {}) =>
  tally.request('/api/auth/login', jsonRequest('POST', { email, password }, headers))
const me = (cookie: string) => tally.request('/api/me', { headers: { cookie } })

describe('sign-up, log-in, /api/me, log-out', () => {
  test('sign-up logs in with a cookie a browser keeps safe', async () => {
    const response = await tally.request(
      '/api/auth/signup',
      jsonRequest('POST', { email: 'ada@example.com', password: GOOD_PASSWORD }),
    )
    expect(response.status).toBe(201)
    const body = await response.json()
    expect(body).toEqual({
      user: { id: expect.any(String), email: 'ada@example.com', createdAt: expect.any(String) },
    })
    const cookie = response.headers.get('set-cookie') as string
    expect(cookie).toMatch(/^tally_session=[A-Za-z0-9_-]{43};/)
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Lax')
    expect(cookie).toContain('Path=/')
    expect(cookie).toContain(`Max-Age=${12 * 3600}`)
    expect(cookie).not.toContain('Secure') // PUBLIC_URL is http in tests; see the https test below
    expect((await (await me(cookieOf(response))).json()).user.email).toBe('ada@example.com')
  })

  test('the session token is stored only as a hash', async () => {
    const user = await signUp(tally)
    const token = user.cookie.split('=')[1] as string
    const rows = await tally.db.sql`select token_hash from sessions where user_id = ${user.id}`
    expect(rows).toHaveLength(1)
    expect(Buffer.from(rows[0]?.token_hash).toString('hex')).toBe(
      new Bun.CryptoHasher('sha256').update(token).digest('hex'),
    )
    const dump = JSON.stringify(await tally.db.sql`select * from sessions`)
    expect(dump).not.toContain(token)
  })

  test('emails are trimmed, lower-cased and unique', async () => {
    const first = await tally.request(
      '/api/auth/signup',
      jsonRequest('POST', { email: '  Grace@Example.COM ', password: GOOD_PASSWORD }),
    )
    expect((await first.json()).user.email).toBe('grace@example.com')
    const again = await tally.request(
      '/api/auth/signup',
      jsonRequest('POST', { email: 'GRACE@example.com', password: GOOD_PASSWORD }),
    )
    expect(again.status).toBe(409)
    expect((await again.json()).code).toBe('EMAIL_TAKEN')
    expect((await login('  GRACE@EXAMPLE.com', GOOD_PASSWORD)).status).toBe(200)
  })

  test('log-in issues a new token every time; log-out ends only that session and clears the cookie', async () => {
    const user = await signUp(tally)
    const a = cookieOf(await login(user.email, user.password))
    const b = cookieOf(await login(user.email, user.password, { cookie: a }))
    expect(new Set([user.cookie, a, b]).size).toBe(3)
    const out = await tally.request('/api/auth/logout', as({ ...user, cookie: a }, 'POST'))
    expect(out.status).toBe(204)
    expect(out.headers.get('set-cookie')).toMatch(/^tally_session=; .*Max-Age=0/)
    expect((await me(a)).status).toBe(401)
    expect((await me(b)).status).toBe(200)
  })

  test('no cookie, a malformed one, or an unknown one is 401 UNAUTHENTICATED', async () => {
    for (const cookie of ['', 'tally_session=short', `tally_session=${'A'.repeat(43)}`]) {
      const response = await me(cookie)
      expect(response.status).toBe(401)
      expect((await response.json()).code).toBe('UNAUTHENTICATED')
    }
  })

  test('the cookie is Secure when PUBLIC_URL is https', async () => {
    // A second app on the same database, configured as deployed behind https.
    const { createApp } = await import('../src/app.ts')
    const { testConfig } = await import('./helpers/config.ts')
    const app = createApp({
      config: testConfig({
        PUBLIC_URL: 'https://tally.example.com',
        PLAID_SIMULATOR_URL: tally.simulator.url,
      }),
      sql: tally.db.sql,
      logger: tally.logs.logger,
      plaid: tally.plaid,
    })
    const response = await app.handle(
      new Request('http://localhost/api/auth/signup', {
        ...jsonRequest('POST', { email: 'secure@example.com', password: GOOD_PASSWORD }),
        headers: { 'content-type': 'application/json', origin: 'https://tally.example.com' },
      }),
    )
    expect(response.status).toBe(201)
    expect(response.headers.get('set-cookie')).toContain('; Secure')
  })
})

describe('passwords (NIST SP 800-63B)', () => {
  const tryPassword = (password: string, email = `pw-${crypto.randomUUID().slice(0, 8)}@example.com`) =>
    tally.request('/api/auth/signup', jsonRequest('POST', { email, password }))

  test.each([
    ['too short', 'elevenchars', /at least 12/],
    ['too long', 'x'.repeat(100) + 'y'.repeat(157), /at most 256/],
    ['common', 'Password1234', /commonly used/],
    ['repetitive', 'abababababababab', /repeats/],
    ['a sequence', 'abcdefghijklmnop', /sequence/],
    ['the service name', 'my-tally-secret-99', /name of this service/],
  ])('refuses a password that is %s, with WEAK_PASSWORD on /password', async (_, password, reason) => {
    const response = await tryPassword(password)
    expect(response.status).toBe(422)
    const body = await response.json()
    expect(body.code).toBe('WEAK_PASSWORD')
    expect(body.errors).toEqual([{ in: 'body', path: '/password', message: expect.stringMatching(reason) }])
    expect(JSON.stringify(body)).not.toContain(password)
  })

  test('refuses a password containing the email', async () => {
    const response = await tryPassword('xx-marguerite-2024!', 'marguerite@example.com')
    expect((await response.json()).errors[0].message).toMatch(/email/)
  })

  test('accepts 12 and 256 characters, counted as characters not bytes, and any characters at all', async () => {
    const long = 'Ünïcödé-pässwörd-'.repeat(16).slice(0, 256) // 256 characters, 512 bytes of UTF-8
    expect(Buffer.byteLength(long)).toBeGreaterThan(256)
    for (const password of ['pq7-vx2-ke9z', long, 'correct horse 🐎 battery'])
      expect((await tryPassword(password)).status).toBe(201)
    expect((await tryPassword(`${long}x`)).status).toBe(422)
  })

  test('is hashed with argon2id and never logged', async () => {
    const user = await signUp(tally)
    const [row] = await tally.db.sql`select password_hash from users where id = ${user.id}`
    expect(row?.password_hash).toStartWith('$argon2id$')
    expect(tally.logs.text()).not.toContain(GOOD_PASSWORD)
  })
})

describe('sessions expire', () => {
  test('after SESSION_IDLE_TIMEOUT_MINUTES without use; each use moves the deadline', async () => {
    const user = await signUp(tally)
    tally.clock.advance(25 * MINUTE)
    expect((await me(user.cookie)).status).toBe(200)
    tally.clock.advance(25 * MINUTE) // 50 minutes after log-in, 25 after last use
    expect((await me(user.cookie)).status).toBe(200)
    tally.clock.advance(31 * MINUTE)
    expect((await me(user.cookie)).status).toBe(401)
  })

  test('after SESSION_ABSOLUTE_TIMEOUT_HOURS however active', async () => {
    const user = await signUp(tally)
    for (let i = 0; i < 12 * 3; i++) {
      tally.clock.advance(20 * MINUTE)
      const status = (await me(user.cookie)).status
      if (i < 35) expect(status).toBe(200)
      else expect(status).toBe(401) // 12 hours after log-in
    }
  })
})

describe('log-in throttling', () => {
  test('five wrong passwords, then every attempt is refused with 429 and Retry-After, even the right one', async () => {
    const user = await signUp(tally)
    for (let i = 0; i < THROTTLE.accountThreshold; i++) {
      const response = await login(user.email, 'wrong-password-123')
      expect(response.status).toBe(401)
      expect((await response.json()).code).toBe('INVALID_CREDENTIALS')
    }
    for (let i = 0; i < 5; i++) {
      const response = await login(user.email, i === 4 ? user.password : 'wrong-password-123')
      expect(response.status).toBe(429)
      expect(response.headers.get('retry-after')).toBe('30')
      expect((await response.json()).code).toBe('LOGIN_THROTTLED')
    }
  })

  test('the lock doubles with each further failure and expires', async () => {
    const user = await signUp(tally)
    for (let i = 0; i < THROTTLE.accountThreshold; i++) await login(user.email, 'wrong-password-123')
    tally.clock.advance(31_000)
    expect((await login(user.email, 'wrong-password-123')).status).toBe(401) // the 6th failure
    expect((await login(user.email, user.password)).headers.get('retry-after')).toBe('60')
    tally.clock.advance(61_000)
    expect((await login(user.email, 'wrong-password-123')).status).toBe(401) // the 7th
    expect((await login(user.email, user.password)).headers.get('retry-after')).toBe('120')
    tally.clock.advance(121_000)
    expect((await login(user.email, user.password)).status).toBe(200)
  })

  test('is capped at 15 minutes, and forgotten after an hour without failures', async () => {
    const user = await signUp(tally)
    for (let i = 0; i < 12; i++) {
      tally.clock.advance(16 * MINUTE)
      await login(user.email, 'wrong-password-123')
    }
    expect((await login(user.email, user.password)).headers.get('retry-after')).toBe(String(15 * 60))
    tally.clock.advance(61 * MINUTE)
    expect((await login(user.email, 'wrong-password-123')).status).toBe(401) // count restarted at 1
    expect((await login(user.email, user.password)).status).toBe(200)
  })

  test('counts per client address too, across accounts (behind one trusted proxy)', async () => {
    const from = (ip: string) => ({ 'x-forwarded-for': `203.0.113.99, ${ip}` })
    const trusting = await import('../src/app.ts').then(async ({ createApp }) =>
      createApp({
        config: (await import('./helpers/config.ts')).testConfig({
          TRUST_PROXY: '1',
          PLAID_SIMULATOR_URL: tally.simulator.url,
        }),
        sql: tally.db.sql,
        logger: tally.logs.logger,
        plaid: tally.plaid,
        now: tally.clock.now,
      }),
    )
    const attempt = (email: string, ip: string) =>
      trusting.handle(
        new Request(
          'http://localhost/api/auth/login',
          jsonRequest('POST', { email, password: 'nope-nope-nope' }, from(ip)),
        ),
      )
    for (let i = 0; i < THROTTLE.ipThreshold; i++)
      expect((await attempt(`spray${i}@example.com`, '198.51.100.7')).status).toBe(401)
    expect((await attempt('another@example.com', '198.51.100.7')).status).toBe(429)
    expect((await attempt('another@example.com', '198.51.100.8')).status).toBe(401)
    const [row] = await tally.db
      .sql`select ip from audit_events where event = 'login_failed' order by id desc limit 1`
    expect(row?.ip).toBe('198.51.100.8')
  })

  test('does not reveal whether an email has an account: same answer, comparable time', async () => {
    const user = await signUp(tally)
    const timed = async (email: string) => {
      const started = performance.now()
      const response = await login(email, 'wrong-password-123')
      const elapsed = performance.now() - started
      const { requestId, ...body } = await response.json()
      return { status: response.status, body, elapsed }
    }
    // Fresh accounts each round so the throttle (which also counts unknown emails) never kicks in.
    const known: number[] = []
    const unknown: number[] = []
    for (let i = 0; i < 4; i++) {
      const real = await timed(user.email)
      const ghost = await timed(`nobody-${i}@example.com`)
      expect(ghost.status).toBe(real.status)
      expect(ghost.body).toEqual(real.body)
      known.push(real.elapsed)
      unknown.push(ghost.elapsed)
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
    const ratio = median(known) / median(unknown)
    expect(ratio).toBeGreaterThan(1 / 3)
    expect(ratio).toBeLessThan(3)
  })
})

describe('password change and account deletion', () => {
  test('changing the password ends every other session, keeps this one, and needs the current password', async () => {
    const user = await signUp(tally)
    const other = cookieOf(await login(user.email, user.password))
    const wrong = await tally.request(
      '/api/me/password',
      as(user, 'POST', { currentPassword: 'not-it-at-all', newPassword: 'brand-new-pass-77' }),
    )
    expect(wrong.status).toBe(403)
    expect((await wrong.json()).code).toBe('PASSWORD_INCORRECT')
    const weak = await tally.request(
      '/api/me/password',
      as(user, 'POST', { currentPassword: user.password, newPassword: 'short' }),
    )
    expect(weak.status).toBe(422)
    const changed = await tally.request(
      '/api/me/password',
      as(user, 'POST', { currentPassword: user.password, newPassword: 'brand-new-pass-77' }),
    )
    expect(changed.status).toBe(200)
    expect(await changed.json()).toEqual({ revokedSessions: 1 })
    expect((await me(other)).status).toBe(401)
    expect((await me(user.cookie)).status).toBe(200)
    expect((await login(user.email, user.password)).status).toBe(401)
    expect((await login(user.email, 'brand-new-pass-77')).status).toBe(200)
  })

  test('deleting the account needs the password and removes the user and everything of theirs', async () => {
    const user = await signUp(tally)
    const wrong = await tally.request('/api/me', as(user, 'DELETE', { password: 'not-it-at-all' }))
    expect(wrong.status).toBe(403)
    const deleted = await tally.request('/api/me', as(user, 'DELETE', { password: user.password }))
    expect(deleted.status).toBe(204)
    expect(deleted.headers.get('set-cookie')).toContain('Max-Age=0')
    for (const table of ['sessions', 'audit_events'])
      expect(
        await tally.db.sql`select 1 from ${tally.db.sql(table)} where user_id = ${user.id}`,
      ).toHaveLength(0)
    expect(await tally.db.sql`select 1 from users where id = ${user.id}`).toHaveLength(0)
    expect((await me(user.cookie)).status).toBe(401)
    expect((await login(user.email, user.password)).status).toBe(401)
  })
})
