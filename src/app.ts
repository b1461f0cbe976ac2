import { Elysia } from 'elysia'
import type { PlaidApi } from 'plaid'
import type { Config } from './config/index.ts'
import type { Sql } from './db/index.ts'
import { healthRoutes } from './health/index.ts'
import { problemDetails } from './http/problem.ts'
import { requestContext } from './http/request-context.ts'
import { requestLog } from './http/request-log.ts'
import type { Logger } from './logger.ts'

export interface AppDeps {
  config: Config
  sql: Sql
  logger: Logger
  /** The official Plaid client, pointed at Plaid or the simulator (src/plaid/client.ts). */
  plaid: PlaidApi
  /** Injected so tests can move time; defaults to the wall clock. */
  now?: () => Date
}

/** Composes the HTTP application. It never listens: server.ts does, and tests call app.handle(). */
export function createApp(deps: AppDeps) {
  return new Elysia({ name: 'tally' })
    .use(requestContext)
    .use(problemDetails(deps.logger))
    .use(requestLog(deps.logger))
    .use(healthRoutes)
}

export type App = ReturnType<typeof createApp>
