import { beforeAll, setDefaultTimeout } from 'bun:test'
import postgres from 'postgres'
import { createSql, type Sql } from '../../src/db/client.ts'
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../src/db/embedded.ts'
import { type Migration, migrate } from '../../src/db/migrate.ts'
import { migrations as allMigrations } from '../../src/db/migrations/index.ts'
import { createLogger } from '../../src/logger.ts'
import { deferCleanup } from './cleanup.ts'

export interface TestDatabase {
  /** postgres.js client on this file's own database; valid between beforeAll and afterAll. */
  readonly sql: Sql
  /** Its URL, for child processes. */
  readonly url: string
  readonly kind: 'server' | 'embedded'
}

const quietLogger = createLogger({ level: 'fatal', format: 'json' })

/**
 * Gives the calling test file its own fresh database, migrated unless told otherwise: on
 * TEST_DATABASE_URL (a real PostgreSQL server) a uniquely named database created and dropped around
 * the file; without it an in-memory embedded PGlite, reached through the same postgres.js client.
 */
export function useTestDatabase(options: { migrations?: readonly Migration[] } = {}): TestDatabase {
  const state: { sql?: Sql; url?: string; drop?: () => Promise<void> } = {}
  const serverUrl = process.env.TEST_DATABASE_URL

  // Files with a database start servers and processes: Bun's 5 s default per test is too tight on a
  // busy CI machine, and setDefaultTimeout only applies to the file that calls it.
  setDefaultTimeout(30_000)
  // First on the file's cleanup stack, so last to run: everything else uses the database.
  deferCleanup(async () => {
    await state.sql?.end({ timeout: 5 })
    await state.drop?.()
  })

  beforeAll(async () => {
    let url: string
    let poolMax = 5
    if (serverUrl) {
      const name = `tally_test_${process.pid}_${crypto.randomUUID().slice(0, 8)}`
      const admin = postgres(serverUrl, { max: 1, onnotice: () => {} })
      await admin.unsafe(`create database "${name}"`)
      const parsed = new URL(serverUrl)
      parsed.pathname = `/${name}`
      url = parsed.toString()
      state.drop = async () => {
        await admin.unsafe(`drop database if exists "${name}" with (force)`)
        await admin.end()
      }
    } else {
      const embedded: EmbeddedPostgres = await startEmbeddedPostgres()
      url = embedded.url
      poolMax = 1
      state.drop = () => embedded.stop()
    }
    state.url = url
    state.sql = createSql({
      url,
      poolMax,
      connectTimeoutSeconds: 10,
      statementTimeoutMs: 30000,
      logger: quietLogger,
    })
    await migrate(state.sql, options.migrations ?? allMigrations)
  }, 60_000)

  return {
    get sql() {
      if (!state.sql) throw new Error('useTestDatabase: the database is ready only inside tests')
      return state.sql
    },
    get url() {
      if (!state.url) throw new Error('useTestDatabase: the database is ready only inside tests')
      return state.url
    },
    kind: serverUrl ? 'server' : 'embedded',
  }
}
