import postgres from 'postgres'
import type { Config } from '../config/index.ts'
import type { Logger } from '../logger.ts'

export type Sql = postgres.Sql
export type TransactionSql = postgres.TransactionSql
/** Anything a query can run on: the pool or an open transaction. */
export type Queryable = postgres.ISql

export interface ClientOptions {
  url: string
  poolMax: number
  connectTimeoutSeconds: number
  statementTimeoutMs: number
  logger: Logger
}

/**
 * The one postgres.js client. TLS comes from `sslmode` in the URL, which postgres.js reads itself.
 * numeric and bigint stay strings (postgres.js's default): money is never turned into a float here.
 */
export function createSql({
  url,
  poolMax,
  connectTimeoutSeconds,
  statementTimeoutMs,
  logger,
}: ClientOptions): Sql {
  return postgres(url, {
    max: poolMax,
    connect_timeout: connectTimeoutSeconds,
    idle_timeout: 60,
    max_lifetime: 60 * 30,
    connection: {
      application_name: 'tally',
      statement_timeout: statementTimeoutMs,
    },
    onnotice: (notice) => logger.debug({ notice: notice.message, code: notice.code }, 'postgres notice'),
  })
}

export function clientOptionsFrom(config: Config, url: string, logger: Logger): ClientOptions {
  return {
    url,
    poolMax: config.DATABASE_POOL_MAX,
    connectTimeoutSeconds: config.DATABASE_CONNECT_TIMEOUT_S,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    logger,
  }
}

/** A database URL safe to print: the password is replaced, everything else kept for diagnosis. */
export function describeDatabaseUrl(url: string): string {
  const parsed = new URL(url)
  if (parsed.password) parsed.password = '***'
  return parsed.toString()
}
