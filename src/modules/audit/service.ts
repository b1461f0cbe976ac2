import type { Queryable } from '../../db/index.ts'
import type { ClientInfo } from '../../http/client.ts'

/** Security events, as listed by GET /api/audit (docs/API.md). */
export type AuditEventName =
  | 'signup'
  | 'login_succeeded'
  | 'login_failed'
  | 'logout'
  | 'password_changed'
  | 'session_revoked'
  | 'sessions_revoked_others'
  | 'sessions_revoked_all'
  | 'account_deleted'
  | 'bank_linked'
  | 'bank_removed'
  | 'key_rotated'

export interface AuditEntry {
  userId: string | null
  event: AuditEventName
  client?: ClientInfo
  details?: Record<string, string | number | boolean | null>
  at: Date
}

export async function recordAudit(sql: Queryable, entry: AuditEntry): Promise<void> {
  await sql`
    insert into audit_events (user_id, event, ip, user_agent, details, created_at)
    values (${entry.userId}, ${entry.event}, ${entry.client?.ip ?? null}, ${entry.client?.userAgent ?? null},
            ${sql.json(entry.details ?? {})}, ${entry.at})`
}

export interface AuditEventRow {
  id: string
  event: string
  ip: string | null
  userAgent: string | null
  details: Record<string, unknown>
  createdAt: Date
}

/** The user's own events, newest first, `limit` at a time after the event id `before`. */
export async function listAudit(
  sql: Queryable,
  userId: string,
  page: { before: number | null; limit: number },
): Promise<{ events: AuditEventRow[]; nextCursor: number | null }> {
  const rows = await sql<AuditEventRow[]>`
    select id::text as id, event, ip, user_agent as "userAgent", details, created_at as "createdAt"
    from audit_events
    where user_id = ${userId} ${page.before === null ? sql`` : sql`and id < ${page.before}`}
    order by id desc
    limit ${page.limit + 1}`
  const events = rows.slice(0, page.limit)
  const last = events.at(-1)
  return { events, nextCursor: rows.length > page.limit && last ? Number(last.id) : null }
}
