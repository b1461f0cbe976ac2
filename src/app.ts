import { Elysia } from 'elysia'
import type { PlaidApi } from 'plaid'
import type { Config } from './config/index.ts'
import type { Sql } from './db/index.ts'
import { healthRoutes } from './health/index.ts'
import { apiConventions } from './http/api-conventions.ts'
import { csrfProtection } from './http/csrf.ts'
import { apiDocumentation } from './http/openapi.ts'
import { problemDetails } from './http/problem.ts'
import { requestContext } from './http/request-context.ts'
import { requestLog } from './http/request-log.ts'
import type { Logger } from './logger.ts'
import { auditRoutes } from './modules/audit/index.ts'
import { authRoutes } from './modules/auth/index.ts'
import { sessionRoutes } from './modules/sessions/index.ts'

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
    .use(csrfProtection(deps.config))
    .use(apiConventions)
    .use(apiDocumentation(deps.config))
    .use(healthRoutes)
    .use(authRoutes(deps))
    .use(sessionRoutes(deps))
    .use(auditRoutes(deps))
}

export type App = ReturnType<typeof createApp>
