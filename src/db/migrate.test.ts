import { beforeEach, describe, expect, test } from 'bun:test'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import postgres from 'postgres'
import { fixtureMigrations } from '../../test/fixtures/migrations.ts'
import { useTestDatabase } from '../../test/helpers/db.ts'
import { rejectionOf } from '../../test/helpers/errors.ts'
import { MigrationError, migrate, migration, verifyMigrations } from './migrate.ts'
import { migrations } from './migrations/index.ts'

const db = useTestDatabase({ migrations: [] })

beforeEach(async () => {
  await db.sql`drop table if exists schema_migrations, migration_log, widgets, half_done cascade`
})

const log = async () =>
  (await db.sql`select version from migration_log order by version`).map((r) => r.version)

describe('migrate', () => {
  test('applies every migration on a fresh database and records each with its checksum', async () => {
    const applied = await migrate(db.sql, fixtureMigrations)
    expect(applied.map((m) => m.version)).toEqual([1, 2, 3])
    expect(await log()).toEqual([1, 2, 3])
    const rows = await db.sql`select version, name, checksum from schema_migrations order by version`
    expect(rows.map((r) => `${r.version}_${r.name}`)).toEqual(['1_create_log', '2_slow', '3_widgets'])
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true)
  })

  test('a second run is a no-op', async () => {
    await migrate(db.sql, fixtureMigrations)
    expect(await migrate(db.sql, fixtureMigrations)).toEqual([])
    expect(await log()).toEqual([1, 2, 3])
  })

  test('applies only what is new', async () => {
    await migrate(db.sql, fixtureMigrations.slice(0, 1))
    expect((await migrate(db.sql, fixtureMigrations)).map((m) => m.version)).toEqual([2, 3])
  })

  test('refuses to start when an applied migration has changed', async () => {
    await migrate(db.sql, fixtureMigrations)
    const edited = fixtureMigrations.map((m) => (m.version === 2 ? { ...m, sql: `${m.sql} -- edited` } : m))
    expect((await rejectionOf(migrate(db.sql, edited))).message).toMatch(
      /0002_slow was changed after it was applied/,
    )
    expect(await rejectionOf(verifyMigrations(db.sql, edited))).toBeInstanceOf(MigrationError)
  })

  test('refuses to start when the database is ahead of this binary', async () => {
    await migrate(db.sql, fixtureMigrations)
    expect((await rejectionOf(migrate(db.sql, fixtureMigrations.slice(0, 2)))).message).toMatch(
      /has migration 0003_widgets that this version of Tally does not know/,
    )
  })

  test('a failing migration leaves nothing half-applied', async () => {
    const broken = [
      ...fixtureMigrations.slice(0, 1),
      migration('0002_broken.sql', 'create table half_done (id int); select * from no_such_table;'),
    ]
    expect((await rejectionOf(migrate(db.sql, broken))).message).toMatch(/no_such_table/)
    const [table] = await db.sql`select to_regclass('half_done') as name`
    expect(table?.name).toBeNull()
    expect((await db.sql`select version from schema_migrations`).map((r) => r.version)).toEqual([1])
  })

  test('migrations must be numbered without gaps', async () => {
    expect(
      (await rejectionOf(migrate(db.sql, [fixtureMigrations[0]!, fixtureMigrations[2]!]))).message,
    ).toMatch(/without gaps/)
    expect(() => migration('1_bad.sql', '')).toThrow(/NNNN_name.sql/)
  })

  test('two clients migrating at once apply each migration exactly once', async () => {
    const clients = [
      postgres(db.url, { max: 1, onnotice: () => {} }),
      postgres(db.url, { max: 1, onnotice: () => {} }),
    ]
    const results = await Promise.all(clients.map((client) => migrate(client, fixtureMigrations)))
    await Promise.all(clients.map((client) => client.end()))
    expect(
      results
        .flat()
        .map((m) => m.version)
        .sort(),
    ).toEqual([1, 2, 3])
    expect(await log()).toEqual([1, 2, 3])
  })

  test('two processes migrating at once apply each migration exactly once', async () => {
    const runner = join(import.meta.dir, '../../test/fixtures/migrate-runner.ts')
    const children = [0, 1].map(() => Bun.spawn(['bun', runner, db.url], { stdout: 'pipe', stderr: 'pipe' }))
    const outputs = await Promise.all(
      children.map(async (child) => {
        const [stdout, stderr, code] = await Promise.all([
          new Response(child.stdout).text(),
          new Response(child.stderr).text(),
          child.exited,
        ])
        expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
        return JSON.parse(stdout) as number[]
      }),
    )
    expect(outputs.flat().sort()).toEqual([1, 2, 3])
    expect(await log()).toEqual([1, 2, 3])
  })
})

describe('the shipped migrations', () => {
  test('every .sql file in src/db/migrations is listed once, in order', () => {
    const files = readdirSync(join(import.meta.dir, 'migrations'))
      .filter((f) => f.endsWith('.sql'))
      .sort()
    expect(migrations.map((m) => `${String(m.version).padStart(4, '0')}_${m.name}.sql`)).toEqual(files)
  })

  test('apply cleanly to an empty database and again as a no-op', async () => {
    await db.sql`drop schema public cascade`
    await db.sql`create schema public`
    expect((await migrate(db.sql, migrations)).length).toBe(migrations.length)
    expect(await migrate(db.sql, migrations)).toEqual([])
  })
})
