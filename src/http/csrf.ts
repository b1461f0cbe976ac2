import { Elysia } from 'elysia'
import type { Config } from '../config/index.ts'
import { AppError } from '../errors.ts'
import { SESSION_COOKIE } from './session-cookie.ts'

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
/** Authenticated by their signature, and sent by servers that have no Origin. */
const EXEMPT_PREFIXES = ['/api/webhooks/']

function originOf(request: Request): string | null {
  const origin = request.headers.get('origin')
  if (origin && origin !== 'null') return origin
  const referer = request.headers.get('referer')
  if (referer && URL.canParse(referer)) return new URL(referer).origin
  return origin // "null" (a sandboxed or privacy-stripped origin) is refused below, never trusted
}

/**
 * OWASP's "verifying origin with standard headers": an unsafe request that carries the session cookie
 * must come from PUBLIC_URL's origin or one in CORS_ORIGINS. A request that names a foreign origin is
 * refused even without a cookie, which also stops log-in CSRF. Requests with neither cookie nor Origin
 * (curl, scripts) are not browser-driven and pass.
 */
export function csrfProtection(config: Config) {
  const allowed = new Set([
    new URL(config.PUBLIC_URL).origin,
    ...config.CORS_ORIGINS.map((o) => new URL(o).origin),
  ])
  return new Elysia({ name: 'tally/csrf' }).onRequest(({ request }) => {
    if (!UNSAFE.has(request.method)) return
    const path = new URL(request.url).pathname
    if (EXEMPT_PREFIXES.some((prefix) => path.startsWith(prefix))) return
    const hasSession = (request.headers.get('cookie') ?? '').includes(`${SESSION_COOKIE}=`)
    const origin = originOf(request)
    if (!hasSession && origin === null) return
    if (origin === null || !allowed.has(origin))
      throw new AppError(
        'forbidden',
        'CSRF_REJECTED',
        'This request did not come from a page of this Tally, so it was refused (cross-site request forgery protection).',
      )
  })
}
