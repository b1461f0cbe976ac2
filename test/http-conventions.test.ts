import { describe, expect, test } from 'bun:test'
import { Elysia, t } from 'elysia'
import type { App } from '../src/app.ts'
import { AppError } from '../src/errors.ts'
import { useTestApp } from './helpers/app.ts'
import { captureLogs } from './helpers/logs.ts'

/** The real app plus routes that fail in each way a feature route can. */
const probeRoutes = (app: App) =>
  app.use(
    new Elysia({ prefix: '/api/probe' })
      .post('/validate', ({ body }) => body, {
        body: t.Object({
          email: t.String({ format: 'email' }),
          age: t.Integer({ minimum: 0 }),
          password: t.String(),
        }),
      })
      .get('/items/:id', ({ params }) => params, { params: t.Object({ id: t.String({ format: 'uuid' }) }) })
      .get('/conflict', () => {
        throw new AppError('conflict', 'ITEM_DUPLICATE', 'That bank is already linked.')
      })
      .get('/crash', async () => {
        await tally.db.sql`select * from table_that_does_not_exist`
      })
      .get('/throw', () => {
        throw new Error('internal detail: secret-ish stack')
      }),
  ) as unknown as App

const tally = useTestApp({ extend: probeRoutes })
const logs = tally.logs
const request = (path: string, init: RequestInit = {}) => tally.request(path, init)
const post = (
  path: string,
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) => request(path, { method: 'POST', body, headers })

async function problem(response: Response) {
  expect(response.headers.get('content-type')).toBe('application/problem+json')
  const body = await response.json()
  // A copy: Bun's toMatchObject writes its asymmetric matchers into the object it inspects.
  expect(structuredClone(body)).toMatchObject({
    type: expect.stringMatching(/^urn:tally:problem:/),
    title: expect.any(String),
    status: response.status,
    detail: expect.any(String),
    code: expect.stringMatching(/^[A-Z][A-Z0-9_]+$/),
    requestId: response.headers.get('x-request-id'),
  })
  return body
}

describe('errors are RFC 9457 problem+json', () => {
  test('unknown route → 404 NOT_FOUND', async () => {
    const response = await request('/no/such/thing')
    expect(response.status).toBe(404)
    expect(await problem(response)).toMatchObject({ code: 'NOT_FOUND', title: 'Not Found' })
  })

  test('invalid body → 422 with one entry per field, never echoing values', async () => {
    const response = await post(
      '/api/probe/validate',
      JSON.stringify({ email: 'nope', age: -1, password: 12345 }),
    )
    expect(response.status).toBe(422)
    const body = await problem(response)
    expect(body.code).toBe('VALIDATION_FAILED')
    expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/age', '/email', '/password'])
    expect(
      body.errors.every((e: { in: string; message: string }) => e.in === 'body' && e.message.length > 0),
    ).toBe(true)
    expect(JSON.stringify(body)).not.toContain('12345')
  })

  test('invalid path parameter → 422 naming the parameter', async () => {
    const response = await request('/api/probe/items/not-a-uuid')
    expect(response.status).toBe(422)
    expect((await problem(response)).errors).toEqual([
      { in: 'params', path: '/id', message: expect.any(String) },
    ])
  })

  test('malformed JSON → 400 MALFORMED_BODY', async () => {
    const response = await post('/api/probe/validate', '{"email":')
    expect(response.status).toBe(400)
    expect((await problem(response)).code).toBe('MALFORMED_BODY')
  })

  test('a domain error keeps its status and code', async () => {
    const response = await request('/api/probe/conflict')
    expect(response.status).toBe(409)
    expect(await problem(response)).toMatchObject({
      code: 'ITEM_DUPLICATE',
      detail: 'That bank is already linked.',
    })
  })

  test('thrown errors and SQL failures → bare 500 without stack, SQL or message', async () => {
    for (const path of ['/api/probe/throw', '/api/probe/crash']) {
      const response = await request(path)
      expect(response.status).toBe(500)
      const text = JSON.stringify(await problem(response))
      for (const leak of ['secret-ish', 'stack', 'table_that_does_not_exist', 'select', '.ts:'])
        expect(text.toLowerCase()).not.toContain(leak)
    }
    // ...but operators get the details, tied to the request id.
    const failure = logs.lines().find((line) => line.msg === 'request failed')
    expect(JSON.stringify(failure)).toContain('secret-ish')
  })
})

describe('request ids', () => {
  test('a well-formed X-Request-Id is echoed back', async () => {
    const response = await request('/health', { headers: { 'x-request-id': 'trace-1234-abcd' } })
    expect(response.headers.get('x-request-id')).toBe('trace-1234-abcd')
  })

  test('a missing or malformed one is replaced by a fresh UUID', async () => {
    for (const offered of [undefined, 'x', 'has spaces in it', 'a'.repeat(200), 'inject\r\nheader']) {
      const headers = new Headers()
      if (offered !== undefined) {
        try {
          headers.set('x-request-id', offered)
        } catch {
          continue // fetch itself refuses CR/LF in headers
        }
      }
      const response = await request('/health', { headers })
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    }
  })

  test('errors carry the id in header and body', async () => {
    const response = await request('/missing', { headers: { 'x-request-id': 'error-trace-0001' } })
    expect(response.headers.get('x-request-id')).toBe('error-trace-0001')
    expect((await response.json()).requestId).toBe('error-trace-0001')
  })
})

describe('request log', () => {
  test('one line per request with method, route template, status, duration and request id', async () => {
    await request('/api/probe/items/6a1f4f4e-2f5b-4b2b-9d8c-0c2f1e1a2b3c', {
      headers: { 'x-request-id': 'log-line-0001' },
    })
    await Bun.sleep(10) // the line is written after the response is sent
    const lines = logs.lines().filter((line) => line.requestId === 'log-line-0001' && line.msg === 'request')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({
      method: 'GET',
      route: '/api/probe/items/:id',
      status: 200,
      level: 'info',
    })
    expect(lines[0]?.duration_ms).toBeNumber()
    expect(JSON.stringify(lines[0])).not.toContain('6a1f4f4e')
  })

  test('failed requests are logged with their real status', async () => {
    await request('/nowhere', { headers: { 'x-request-id': 'log-line-0404' } })
    await request('/api/probe/throw', { headers: { 'x-request-id': 'log-line-0500' } })
    await Bun.sleep(10)
    const statusOf = (id: string) =>
      logs.lines().find((l) => l.requestId === id && l.msg === 'request')?.status
    expect(statusOf('log-line-0404')).toBe(404)
    expect(statusOf('log-line-0500')).toBe(500)
  })

  test('credentials in logged objects are redacted', () => {
    const captured = captureLogs()
    captured.logger.info(
      {
        headers: { authorization: 'Bearer abc', cookie: 'tally_session=s3cr3t' },
        body: { password: 'hunter2hunter2', accessToken: 'access-sandbox-123' },
        token: 'tok-1',
      },
      'sensitive',
    )
    const text = captured.text()
    for (const secret of ['Bearer abc', 's3cr3t', 'hunter2hunter2', 'access-sandbox-123', 'tok-1'])
      expect(text).not.toContain(secret)
    expect(text).toContain('[redacted]')
  })
})
