import { Elysia, t } from 'elysia'
import type { AppDeps } from '../../app.ts'
import { AppError } from '../../errors.ts'
import { authentication } from '../../http/authentication.ts'
import { ProblemSchema, Timestamp, Uuid } from '../../http/schemas.ts'
import { clearedSessionCookie } from '../../http/session-cookie.ts'
import { recordAudit } from '../audit/service.ts'
import { listSessions, revokeOtherSessions, revokeSession } from './service.ts'

const SessionView = t.Object({
  id: Uuid,
  createdAt: Timestamp,
  lastSeenAt: Timestamp,
  expiresAt: Timestamp,
  userAgent: t.Nullable(t.String()),
  ip: t.Nullable(t.String()),
  current: t.Boolean({ description: 'The session making this request' }),
})

export function sessionRoutes(deps: AppDeps) {
  const now = deps.now ?? (() => new Date())
  return new Elysia({ name: 'tally/sessions', prefix: '/api/sessions' })
    .use(authentication(deps))
    .get(
      '',
      async ({ session }) => ({
        sessions: (await listSessions(deps.sql, session.userId, now())).map((s) => ({
          ...s,
          current: s.id === session.id,
        })),
      }),
      {
        auth: true,
        response: { 200: t.Object({ sessions: t.Array(SessionView) }), 401: ProblemSchema },
        detail: { tags: ['sessions'], summary: 'Your live sessions, most recently used first' },
      },
    )
    .delete(
      '/:id',
      async ({ session, params, client, set }) => {
        if (!(await revokeSession(deps.sql, session.userId, params.id)))
          throw new AppError('not_found', 'SESSION_NOT_FOUND', 'You have no session with this id.')
        await recordAudit(deps.sql, {
          userId: session.userId,
          event: 'session_revoked',
          client,
          details: { sessionId: params.id },
          at: now(),
        })
        if (params.id === session.id) set.headers['set-cookie'] = clearedSessionCookie(deps.config)
        set.status = 204
      },
      {
        auth: true,
        params: t.Object({ id: Uuid }),
        response: { 404: ProblemSchema },
        detail: { tags: ['sessions'], summary: 'End one of your sessions (your own: logs you out)' },
      },
    )
    .post(
      '/revoke-others',
      async ({ session, client }) => {
        const revoked = await revokeOtherSessions(deps.sql, session.userId, session.id)
        await recordAudit(deps.sql, {
          userId: session.userId,
          event: 'sessions_revoked_others',
          client,
          details: { revoked },
          at: now(),
        })
        return { revoked }
      },
      {
        auth: true,
        response: { 200: t.Object({ revoked: t.Integer() }) },
        detail: { tags: ['sessions'], summary: 'End every session but this one' },
      },
    )
}
