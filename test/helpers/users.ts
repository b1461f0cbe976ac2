import { expect } from 'bun:test'
import type { TestApp } from './app.ts'

export const ORIGIN = 'http://localhost:3000'
let counter = 0

/** A password that passes every rule. */
export const GOOD_PASSWORD = 'correct-mule-saddle-42'

export interface TestUser {
  id: string
  email: string
  password: string
  /** The session cookie, ready for a Cookie header. */
  cookie: string
}

/** The `name=value` part of a Set-Cookie header. */
export function cookieOf(response: Response): string {
  const header = response.headers.get('set-cookie')
  expect(header).toBeTruthy()
  return (header as string).split(';')[0] as string
}

export function jsonRequest(
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
): RequestInit {
  return {
    method,
    headers: {
      origin: ORIGIN,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  }
}

/** Signs up a fresh user through the API and returns its session cookie. */
export async function signUp(
  tally: TestApp,
  email = `user${++counter}-${crypto.randomUUID().slice(0, 6)}@example.com`,
) {
  const response = await tally.request(
    '/api/auth/signup',
    jsonRequest('POST', { email, password: GOOD_PASSWORD }),
  )
  expect(response.status).toBe(201)
  const { user } = await response.json()
  return { id: user.id, email: user.email, password: GOOD_PASSWORD, cookie: cookieOf(response) } as TestUser
}

/** A request as the user's browser on PUBLIC_URL would send it. */
export function as(
  user: TestUser,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
): RequestInit {
  return jsonRequest(method, body, { cookie: user.cookie, ...headers })
}
