import { Elysia } from 'elysia'
import type { Logger } from '../logger.ts'
import { requestContextOf } from './request-context.ts'

/**
 * One line per request, after the response is sent. The route template (/api/items/:id), not the
 * path, so logs group by endpoint and carry no ids or query strings with personal data.
 */
export function requestLog(logger: Logger) {
  return new Elysia({ name: 'tally/request-log' }).onAfterResponse(
    { as: 'global' },
    ({ request, route, set }) => {
      const { id, startedAt } = requestContextOf(request)
      const status = typeof set.status === 'number' ? set.status : 200
      const line = {
        requestId: id,
        method: request.method,
        route: route || null,
        status,
        duration_ms: Math.round((performance.now() - startedAt) * 100) / 100,
      }
      if (status >= 500) logger.error(line, 'request')
      else logger.info(line, 'request')
    },
  )
}
