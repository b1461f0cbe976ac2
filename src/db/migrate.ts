import { createHash } from 'node:crypto'
import type { Logger } from '../logger.ts'
import type { Sql } from './client.ts'

export interface Migration {
  version: number
  name: string
  sql: string
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError'
}

/** Any constant works; it only has to be the same for every Tally process sharing a database. */
const MIGRATION_LOCK = 4_717_011_923_401_337n

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/

/** Builds a migration from its file name (`0001_create_users.sql`) and text. */
export function migration(fileName: string, sql: string): Migration {
  const match = FILE_NAME.exec(fileName)
  if (!match) throw new MigrationError(`migration file name ${fileName} does not match NNNN_name.sql`)
  return { version: Number(match[1]), name: match[2] as string, sql }
}

export function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex')
}

interface AppliedRow {
  version: number
  name: string
  checksum: string
}

/**
 * Applies pending migrations, each in its own transaction that first takes a transaction-scoped
 * advisory lock. Processes starting together therefore take turns, and each re-reads what is applied
 * after getting the lock, so every migration runs exactly once. Refuses to run at all when an applied
 * migration's text has changed or the database knows migrations this binary does not.
 */
export async function migrate(
  sql: Sql,
  migrations: readonly Migration[],
  logger?: Logger,
): Promise<Migration[]> {
  assertWellFormed(migrations)
  const applied = await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK.toString()}::bigint)`
    await tx`
      create table if not exists schema_migrations (
        version integer primary key,
        name text not null,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`
    return tx<AppliedRow[]>`select version, name, checksum from schema_migrations order by version`
  })
  verifyApplied(applied, migrations)

  const done = new Set(applied.map((row) => row.version))
  const newlyApplied: Migration[] = []
  for (const pending of migrations.filter((m) => !done.has(m.version))) {
    const ran = await sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK.toString()}::bigint)`
      const [already] = await tx`select 1 from schema_migrations where version = ${pending.version}`
      if (already) return false
      const started = performance.now()
      await tx.unsafe(pending.sql)
      await tx`
        insert into schema_migrations (version, name, checksum)
        values (${pending.version}, ${pending.name}, ${checksum(pending.sql)})`
      logger?.info(
        { migration: label(pending), duration_ms: Math.round(performance.now() - started) },
        'applied migration',
      )
      return true
    })
    if (ran) newlyApplied.push(pending)
  }
  return newlyApplied
}

/** Fails when the database and this binary disagree about migrations already applied. */
export async function verifyMigrations(
  sql: Sql,
  migrations: readonly Migration[],
): Promise<{ pending: number }> {
  const [table] = await sql`select to_regclass('schema_migrations') as name`
  const applied = table?.name
    ? await sql<AppliedRow[]>`select version, name, checksum from schema_migrations`
    : []
  verifyApplied(applied, migrations)
  return { pending: migrations.length - applied.length }
}

function verifyApplied(applied: readonly AppliedRow[], migrations: readonly Migration[]) {
  const known = new Map(migrations.map((m) => [m.version, m]))
  const unknown = applied.filter((row) => !known.has(row.version))
  if (unknown.length > 0)
    throw new MigrationError(
      `the database has migration ${unknown.map(label).join(', ')} that this version of Tally does not know: it was migrated by a newer version. Run that version, or restore a backup taken before the upgrade.`,
    )
  for (const row of applied) {
    const expected = known.get(row.version) as Migration
    if (row.checksum !== checksum(expected.sql))
      throw new MigrationError(
        `migration ${label(row)} was changed after it was applied (checksum ${row.checksum.slice(0, 12)} in the database, ${checksum(expected.sql).slice(0, 12)} in this build). Applied migrations are immutable: restore the original file and add a new migration instead.`,
      )
  }
}

function assertWellFormed(migrations: readonly Migration[]) {
  migrations.forEach((m, index) => {
    if (m.version !== index + 1)
      throw new MigrationError(
        `migrations must be numbered 1, 2, 3... without gaps; found ${label(m)} at position ${index + 1}`,
      )
  })
}

const label = (m: { version: number; name: string }) => `${String(m.version).padStart(4, '0')}_${m.name}`
