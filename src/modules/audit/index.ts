import { Elysia, t } from 'elysia'
import type { AppDeps } from '../../app.ts'
import { authentication } from '../../http/authentication.ts'
import { decodeCursor, encodeCursor, PageQuery } from '../../http/pagination.ts'
import { ProblemSchema, Timestamp } from '../../http/schemas.ts'
import { listAudit } from './service.ts'

const AuditEvent = t.Object({
  id: t.String(),
  event: t.String({ examples: ['login_succeeded'] }),
  ip: t.Nullable(t.String()),
  userAgent: t.Nullable(t.String()),
  details: t.Record(t.String(), t.Unknown()),
  createdAt: Timestamp,
})

export function auditRoutes(deps: AppDeps) {
  return new Elysia({ name: 'tally/audit', prefix: '/api/audit' }).use(authentication(deps)).get(
    '',
    async ({ session, query }) => {
      const [before] = query.cursor ? decodeCursor(query.cursor, ['number'] as const) : [null]
      const page = await listAudit(deps.sql, session.userId, { before, limit: query.limit ?? 50 })
      return {
        events: page.events,
        nextCursor: page.nextCursor === null ? null : encodeCursor([page.nextCursor]),
      }
    },
    {
      auth: true,
      query: PageQuery,
      response: {
        200: t.Object({ events: t.Array(AuditEvent), nextCursor: t.Nullable(t.String()) }),
        401: ProblemSchema,
      },
      detail: { tags: ['account'], summary: 'Your security events, newest first' },
    },
  )
}
