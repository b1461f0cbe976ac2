import type { Config } from '../config/index.ts'
import type { Logger } from '../logger.ts'
import { clientOptionsFrom, createSql, describeDatabaseUrl, type Sql } from './client.ts'

export type { Queryable, Sql, TransactionSql } from './client.ts'

export interface Database {
  sql: Sql
  kind: 'external' | 'embedded'
  /** Printable: the URL without its password, or the embedded database's folder. */
  description: string
  close(timeoutSeconds?: number): Promise<void>
}

/**
 * The configured PostgreSQL, or outside production (where config guarantees DATABASE_URL) the embedded
 * one in DATA_DIR. The embedded database is single-threaded, so its pool has one connection: more
 * would only queue inside PGlite.
 */
export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  if (config.DATABASE_URL) {
    const sql = createSql(clientOptionsFrom(config, config.DATABASE_URL, logger))
    return {
      sql,
      kind: 'external',
      description: describeDatabaseUrl(config.DATABASE_URL),
      close: (timeout = 5) => sql.end({ timeout }),
    }
  }
  // Loaded only when used: production never needs PGlite's WebAssembly build.
  const { startEmbeddedPostgres } = await import('./embedded.ts')
  const embedded = await startEmbeddedPostgres(config.DATA_DIR)
  const sql = createSql({ ...clientOptionsFrom(config, embedded.url, logger), poolMax: 1 })
  return {
    sql,
    kind: 'embedded',
    description: `embedded PostgreSQL (PGlite) in ${embedded.location}`,
    async close(timeout = 5) {
      try {
        await sql.end({ timeout })
      } finally {
        await embedded.stop()
      }
    },
  }
}
