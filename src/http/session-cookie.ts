import type { Config } from '../config/index.ts'

export const SESSION_COOKIE = 'tally_session'

export function readSessionToken(request: Request): string | null {
  const header = request.headers.get('cookie')
  if (!header) return null
  const token = new Bun.CookieMap(header).get(SESSION_COOKIE)
  // Tokens are 43 base64url characters; anything else cannot be ours, so no database lookup.
  return token && /^[A-Za-z0-9_-]{43}$/.test(token) ? token : null
}

/** HttpOnly so scripts cannot read it, SameSite=Lax against cross-site posts, Secure over https. */
export function sessionCookie(config: Config, token: string): string {
  return new Bun.Cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: config.PUBLIC_URL.startsWith('https:'),
    maxAge: config.SESSION_ABSOLUTE_TIMEOUT_HOURS * 3600,
  }).serialize()
}

export function clearedSessionCookie(config: Config): string {
  return new Bun.Cookie(SESSION_COOKIE, '', {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: config.PUBLIC_URL.startsWith('https:'),
    maxAge: 0,
  }).serialize()
}
