import { createHash, randomBytes } from 'node:crypto'
import type { Queryable } from '../../db/index.ts'
import type { ClientInfo } from '../../http/client.ts'

export interface SessionPolicy {
  idleMs: number
  absoluteMs: number
}

export interface CurrentSession {
  id: string
  userId: string
  email: string
  createdAt: Date
}

export interface SessionView {
  id: string
  createdAt: Date
  lastSeenAt: Date
  expiresAt: Date
  userAgent: string | null
  ip: string | null
}

/** Only a SHA-256 of the token is stored: reading the sessions table does not let anyone log in. */
const hashToken = (token: string) => createHash('sha256').update(token).digest()

/** A new opaque 256-bit token and its session row. Called at every log-in, so a session id can't be fixed. */
export async function createSession(
  sql: Queryable,
  userId: string,
  client: ClientInfo,
  policy: SessionPolicy,
  now: Date,
): Promise<{ id: string; token: string }> {
  const token = randomBytes(32).toString('base64url')
  const absolute = new Date(now.getTime() + policy.absoluteMs)
  const idle = new Date(Math.min(now.getTime() + policy.idleMs, absolute.getTime()))
  const [row] = await sql<{ id: string }[]>`
    insert into sessions (user_id, token_hash, created_at, last_seen_at, idle_expires_at, absolute_expires_at, user_agent, ip)
    values (${userId}, ${hashToken(token)}, ${now}, ${now}, ${idle}, ${absolute}, ${client.userAgent}, ${client.ip})
    returning id`
  // Expired sessions of this user are of no further use; clearing them here keeps the table small.
  await sql`delete from sessions where user_id = ${userId} and (idle_expires_at <= ${now} or absolute_expires_at <= ${now})`
  return { id: (row as { id: string }).id, token }
}

/** Writes last-seen at most once a minute per session, not on every request. */
const TOUCH_EVERY_MS = 60_000

/** The live session for a token, its idle deadline moved forward; null when unknown or expired. */
export async function findSession(
  sql: Queryable,
  token: string,
  policy: SessionPolicy,
  now: Date,
): Promise<CurrentSession | null> {
  const [row] = await sql<(CurrentSession & { lastSeenAt: Date; absoluteExpiresAt: Date })[]>`
    select s.id, s.user_id as "userId", u.email, s.created_at as "createdAt",
           s.last_seen_at as "lastSeenAt", s.absolute_expires_at as "absoluteExpiresAt"
    from sessions s join users u on u.id = s.user_id
    where s.token_hash = ${hashToken(token)}
      and s.idle_expires_at > ${now} and s.absolute_expires_at > ${now}`
  if (!row) return null
  if (now.getTime() - row.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    const idle = new Date(Math.min(now.getTime() + policy.idleMs, row.absoluteExpiresAt.getTime()))
    await sql`update sessions set last_seen_at = ${now}, idle_expires_at = ${idle} where id = ${row.id}`
  }
  return { id: row.id, userId: row.userId, email: row.email, createdAt: row.createdAt }
}

export async function listSessions(sql: Queryable, userId: string, now: Date): Promise<SessionView[]> {
  return sql<SessionView[]>`
    select id, created_at as "createdAt", last_seen_at as "lastSeenAt",
           least(idle_expires_at, absolute_expires_at) as "expiresAt", user_agent as "userAgent", ip
    from sessions
    where user_id = ${userId} and idle_expires_at > ${now} and absolute_expires_at > ${now}
    order by last_seen_at desc, id`
}

/** Ends one of the user's sessions; false when the user has no such session (someone else's included). */
export async function revokeSession(sql: Queryable, userId: string, sessionId: string): Promise<boolean> {
  const rows = await sql`delete from sessions where id = ${sessionId} and user_id = ${userId} returning id`
  return rows.length > 0
}

export async function revokeOtherSessions(
  sql: Queryable,
  userId: string,
  keepSessionId: string,
): Promise<number> {
  const rows =
    await sql`delete from sessions where user_id = ${userId} and id <> ${keepSessionId} returning id`
  return rows.length
}

/** Incident response: every session of every user ends. */
export async function revokeAllSessions(sql: Queryable): Promise<number> {
  const rows = await sql`delete from sessions returning id`
  return rows.length
}

export const sessionPolicy = (config: {
  SESSION_IDLE_TIMEOUT_MINUTES: number
  SESSION_ABSOLUTE_TIMEOUT_HOURS: number
}): SessionPolicy => ({
  idleMs: config.SESSION_IDLE_TIMEOUT_MINUTES * 60_000,
  absoluteMs: config.SESSION_ABSOLUTE_TIMEOUT_HOURS * 3_600_000,
})
