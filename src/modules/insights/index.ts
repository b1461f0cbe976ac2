import { Elysia } from 'elysia'
import type { AppDeps } from '../../app.ts'
import { authentication } from '../../http/authentication.ts'
import { ProblemSchema } from '../../http/schemas.ts'
import { NetWorthQuery, NetWorthSeries, SpendingQuery, SpendingReport } from './model.ts'
import { netWorthOverTime, netWorthRange, spendingByMonth } from './service.ts'

export function insightRoutes(deps: AppDeps) {
  const now = deps.now ?? (() => new Date())
  return new Elysia({ name: 'tally/insights', prefix: '/api/insights' })
    .use(authentication(deps))
    .get(
      '/spending',
      ({ session, query }) => spendingByMonth(deps.sql, session.userId, query.months ?? 6, now()),
      {
        auth: true,
        query: SpendingQuery,
        response: { 200: SpendingReport, 401: ProblemSchema, 422: ProblemSchema },
        detail: {
          tags: ['data'],
          summary: 'Income and spending per calendar month and category, transfers excluded',
        },
      },
    )
    .get(
      '/net-worth',
      ({ session, query }) => netWorthOverTime(deps.sql, session.userId, netWorthRange(query, now())),
      {
        auth: true,
        query: NetWorthQuery,
        response: { 200: NetWorthSeries, 401: ProblemSchema, 422: ProblemSchema },
        detail: {
          tags: ['data'],
          summary: 'Assets, liabilities and net worth over time from daily balance snapshots',
        },
      },
    )
}
