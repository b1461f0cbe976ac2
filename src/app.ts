import { Elysia } from 'elysia'
import type { PlaidApi } from 'plaid'
import type { Config } from './config/index.ts'
import type { Sql } from './db/index.ts'
import { healthRoutes } from './health/index.ts'
import { apiConventions } from './http/api-conventions.ts'
import { csrfProtection } from './http/csrf.ts'
import { devReloadRoutes } from './http/dev-reload.ts'
import { apiDocumentation } from './http/openapi.ts'
import { problemDetails } from './http/problem.ts'
import { requestContext } from './http/request-context.ts'
import { requestLog } from './http/request-log.ts'
import { staticRoutes } from './http/static.ts'
import { createStaticAssets, type StaticAssets } from './http/static-assets.ts'
import { createJobQueue } from './jobs/queue.ts'
import type { Logger } from './logger.ts'
import { accountRoutes } from './modules/accounts/index.ts'
import { auditRoutes } from './modules/audit/index.ts'
import { authRoutes } from './modules/auth/index.ts'
import { insightRoutes } from './modules/insights/index.ts'
import { itemRoutes } from './modules/items/index.ts'
import type { ItemsDeps } from './modules/items/service.ts'
import { clientConfigRoutes, linkSimulatorRoutes } from './modules/link-simulator/index.ts'
import { sessionRoutes } from './modules/sessions/index.ts'
import { transactionRoutes } from './modules/transactions/index.ts'
import { webhookRoutes } from './modules/webhooks/index.ts'
import { createTokenCipher } from './plaid/token-crypto.ts'
import { createWebhookVerifier } from './plaid/webhook-verify.ts'

export interface AppDeps {
  config: Config
  sql: Sql
  logger: Logger
  /** The official Plaid client, pointed at Plaid or the simulator (src/plaid/client.ts). */
  plaid: PlaidApi
  /** Wakes this process's job worker after work is queued (server.ts); without it jobs wait for a poll. */
  notifyWorker?: () => void
  /** With PLAID_ENV=simulator: the simulator's base URL, for the dashboard's Link stand-in proxy. */
  simulatorUrl?: string
  /** Injected so tests can move time; defaults to the wall clock. */
  now?: () => Date
  /** The built dashboard; defaults to STATIC_DIR on disk (a compiled binary passes its embedded copy). */
  assets?: StaticAssets
}

/** Composes the HTTP application. It never listens: server.ts does, and tests call app.handle(). */
export function createApp(deps: AppDeps) {
  const now = deps.now ?? (() => new Date())
  const items: ItemsDeps = {
    sql: deps.sql,
    config: deps.config,
    plaid: deps.plaid,
    cipher: createTokenCipher({
      key: deps.config.ENCRYPTION_KEY,
      previousKey: deps.config.ENCRYPTION_KEY_PREVIOUS,
    }),
    queue: createJobQueue({ sql: deps.sql, logger: deps.logger, ...(deps.now ? { now: deps.now } : {}) }),
    logger: deps.logger,
    now,
    notifyWorker: deps.notifyWorker ?? (() => {}),
  }
  const verifier = createWebhookVerifier({ plaid: deps.plaid, logger: deps.logger, now })
  const assets = deps.assets ?? createStaticAssets({ kind: 'directory', dir: deps.config.STATIC_DIR })
  // staticRoutes goes last: the dashboard's wildcard answers only what no route above matched.
  return new Elysia({ name: 'tally' })
    .use(requestContext)
    .use(problemDetails(deps.logger))
    .use(requestLog(deps.logger))
    .use(csrfProtection(deps.config))
    .use(apiConventions)
    .use(apiDocumentation(deps.config))
    .use(healthRoutes)
    .use(authRoutes(deps, items))
    .use(sessionRoutes(deps))
    .use(auditRoutes(deps))
    .use(itemRoutes(deps, items))
    .use(clientConfigRoutes(deps))
    .use(linkSimulatorRoutes(deps))
    .use(webhookRoutes(deps, verifier, items))
    .use(accountRoutes(deps))
    .use(transactionRoutes(deps))
    .use(insightRoutes(deps))
    .use(deps.config.NODE_ENV === 'development' ? devReloadRoutes(assets) : new Elysia())
    .use(staticRoutes(assets, deps.config))
}

export type App = ReturnType<typeof createApp>
