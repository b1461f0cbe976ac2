import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import postgres from 'postgres'
import { startEmbeddedPostgres } from '../src/db/embedded.ts'
import { tempDir } from './helpers/config.ts'
import { freePort, runTally, startTally } from './helpers/process.ts'

async function withEmbedded<T>(dataDir: string, work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const embedded = await startEmbeddedPostgres(dataDir)
  const sql = postgres(embedded.url, { max: 1, onnotice: () => {} })
  try {
    return await work(sql)
  } finally {
    await sql.end()
    await embedded.stop()
  }
}

describe('zero-configuration development on the embedded database', () => {
  test('serves /health, refuses a second instance on the same DATA_DIR, stops cleanly and keeps data', async () => {
    const dataDir = tempDir()
    const env = { NODE_ENV: 'development', DATA_DIR: dataDir }

    const first = await startTally(env)
    expect(await (await fetch(`${first.url}/health`)).json()).toEqual({ status: 'pass' })
    const startup = first.output()
    expect(startup).toContain('embedded PostgreSQL (PGlite)')
    expect(startup).toContain('generated a development key')
    const key = readFileSync(join(dataDir, 'encryption.key'), 'utf8')

    const second = await runTally(['serve'], { ...env, PORT: String(freePort()), LOG_FORMAT: 'json' })
    expect(second.code).toBe(1)
    expect(second.stdout + second.stderr).toContain('is in use by another Tally process')
    expect((await fetch(`${first.url}/health`)).status).toBe(200) // the first one is unharmed

    expect(await first.stop('SIGTERM')).toBe(0)
    expect(first.output()).toContain('stopped cleanly')

    // Data written between runs survives a full serve cycle.
    await withEmbedded(dataDir, async (sql) => {
      await sql`create table kept (note text)`
      await sql`insert into kept values ('still here')`
    })
    const again = await startTally(env)
    expect(again.output()).not.toContain('generated a development key')
    expect(await again.stop('SIGINT')).toBe(0)
    expect(readFileSync(join(dataDir, 'encryption.key'), 'utf8')).toBe(key)
    const rows = await withEmbedded(dataDir, (sql) => sql`select note from kept`)
    expect(rows.map((r) => r.note)).toEqual(['still here'])
    const migrations = await withEmbedded(dataDir, (sql) => sql`select to_regclass('schema_migrations') as t`)
    expect(migrations[0]?.t).toBe('schema_migrations')
  }, 90_000)

  test('a stale lock left by a killed process does not block the next start', async () => {
    const dataDir = tempDir()
    const env = { NODE_ENV: 'development', DATA_DIR: dataDir }
    const crashed = await startTally(env)
    expect(await crashed.stop('SIGKILL')).not.toBe(0)
    const next = await startTally(env)
    expect(await next.stop()).toBe(0)
  }, 90_000)
})
