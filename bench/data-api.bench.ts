/**
 * Data API latency on 100,000 transactions of one user: p50/p95 of the list, search, CSV export and
 * insights, measured in-process through app.handle (routing, validation, session lookup, SQL, JSON or
 * CSV encoding; no sockets), so the numbers are the server's own cost.
 *
 *   bun bench/data-api.bench.ts                          # embedded PGlite (in memory)
 *   BENCH_DATABASE_URL=postgres://… bun bench/data-api.bench.ts   # a scratch database on that server
 *
 * Options: BENCH_ROWS (100000), BENCH_RUNS (40; exports a quarter of that).
 */

import { Configuration, PlaidApi } from 'plaid'
import postgres from 'postgres'
import { createApp } from '../src/app.ts'
import { createSql, type Sql } from '../src/db/client.ts'
import { migrate } from '../src/db/migrate.ts'
import { migrations } from '../src/db/migrations/index.ts'
import { createLogger } from '../src/logger.ts'
import { insertManyTransactions, insertSnapshots, seedBank } from '../test/helpers/bank-data.ts'
import { testConfig } from '../test/helpers/config.ts'

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 40)
const logger = createLogger({ level: 'fatal', format: 'json' })

async function openDatabase(): Promise<{ sql: Sql; kind: string; close: () => Promise<void> }> {
  const server = process.env.BENCH_DATABASE_URL
  if (server) {
    const name = `tally_bench_${process.pid}`
    const admin = postgres(server, { max: 1, onnotice: () => {} })
    await admin.unsafe(`create database "${name}"`)
    const url = new URL(server)
    url.pathname = `/${name}`
    const sql = createSql({
      url: url.toString(),
      poolMax: 5,
      connectTimeoutSeconds: 10,
      statementTimeoutMs: 60_000,
      logger,
    })
    const version = (await sql<{ server_version: string }[]>`show server_version`)[0]?.server_version
    return {
      sql,
      kind: `PostgreSQL ${version}`,
      close: async () => {
        await sql.end()
        await admin.unsafe(`drop database if exists "${name}" with (force)`)
        await admin.end()
      },
    }
  }
  const { startEmbeddedPostgres } = await import('../src/db/embedded.ts')
  const embedded = await startEmbeddedPostgres()
  const sql = createSql({
    url: embedded.url,
    poolMax: 1,
    connectTimeoutSeconds: 10,
    statementTimeoutMs: 60_000,
    logger,
  })
  return {
    sql,
    kind: 'embedded PGlite (in memory)',
    close: async () => {
      await sql.end()
      await embedded.stop()
    },
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number

async function main() {
  const db = await openDatabase()
  try {
    await migrate(db.sql, migrations)
    const app = createApp({
      config: testConfig(),
      sql: db.sql,
      logger,
      plaid: new PlaidApi(new Configuration({ basePath: 'http://127.0.0.1:9' })),
      // The seeded data ends on 2025-06-30; "now" is that evening so default windows cover it.
      now: () => new Date('2025-06-30T18:00:00Z'),
    })
    const origin = 'http://localhost:3000'
    const signup = await app.handle(
      new Request('http://localhost/api/auth/signup', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ email: 'bench@example.com', password: 'correct-mule-saddle-42' }),
      }),
    )
    const cookie = (signup.headers.get('set-cookie') ?? '').split(';')[0] as string
    const { id: userId } = (await signup.json()).user as { id: string }

    let started = performance.now()
    const bank = await seedBank(db.sql, userId)
    await insertManyTransactions(db.sql, [bank.checking, bank.credit], {
      count: ROWS,
      lastDay: '2025-06-30',
      days: 730,
    })
    const days = Array.from({ length: 730 }, (_, i) =>
      new Date(Date.UTC(2023, 6, 1 + i)).toISOString().slice(0, 10),
    )
    for (const account of [bank.checking, bank.savings, bank.credit])
      await insertSnapshots(
        db.sql,
        account,
        days.map((day, i) => ({ day, current: `${1000 + (i % 97)}.00` })),
      )
    await db.sql`analyze`
    console.log(
      `${db.kind}: seeded ${ROWS} transactions in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    )

    const get = async (path: string) => {
      const response = await app.handle(new Request(`http://localhost${path}`, { headers: { cookie } }))
      if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`)
      return response
    }
    // A cursor about half way down the list, for a deep page.
    let cursor = ''
    for (let page = 0; page < 5; page++) {
      const body = (await (
        await get(`/api/transactions?limit=200${cursor ? `&cursor=${cursor}` : ''}`)
      ).json()) as {
        nextCursor: string
      }
      cursor = body.nextCursor
    }
    const deep = (
      await db.sql<{ date: string; id: string }[]>`
        select to_char(date::timestamp, 'YYYY-MM-DD') as date, id::text as id from transactions where user_id = ${userId}
        order by date desc, id desc offset ${Math.floor(ROWS / 2)} limit 1`
    )[0] as { date: string; id: string }
    const deepCursor = Buffer.from(JSON.stringify([deep.date, deep.id])).toString('base64url')

    const scenarios: [string, string, number][] = [
      ['list, first page (50)', '/api/transactions', RUNS],
      ['list, 200 per page', '/api/transactions?limit=200', RUNS],
      ['list, page at row 50,000', `/api/transactions?cursor=${deepCursor}`, RUNS],
      [
        'list, account + month',
        `/api/transactions?accountId=${bank.credit.id}&from=2024-03-01&to=2024-03-31`,
        RUNS,
      ],
      ['search, rare (q=Store #4242)', `/api/transactions?q=${encodeURIComponent('Store #4242')}`, RUNS],
      ['search, common (q=coffee)', '/api/transactions?q=coffee', RUNS],
      ['search, no match (q=zzqqxx)', '/api/transactions?q=zzqqxx', RUNS],
      [
        'category + amount range',
        '/api/transactions?category=ENTERTAINMENT&minAmount=50&maxAmount=100',
        RUNS,
      ],
      [`export.csv, all ${ROWS} rows`, '/api/transactions/export.csv', Math.max(3, Math.floor(RUNS / 4))],
      ['export.csv, q=coffee', '/api/transactions/export.csv?q=coffee', Math.max(3, Math.floor(RUNS / 4))],
      ['insights/spending (6 months)', '/api/insights/spending', RUNS],
      ['insights/spending (24 months)', '/api/insights/spending?months=24', RUNS],
      ['insights/net-worth (90 days)', '/api/insights/net-worth', RUNS],
      ['insights/net-worth (2 years, daily)', '/api/insights/net-worth?from=2023-07-01&to=2025-06-30', RUNS],
      [
        'insights/net-worth (2 years, weekly)',
        '/api/insights/net-worth?interval=week&from=2023-07-01&to=2025-06-30',
        RUNS,
      ],
    ]
    console.log(
      '\nscenario'.padEnd(42) +
        'p50 ms'.padStart(10) +
        'p95 ms'.padStart(10) +
        'runs'.padStart(6) +
        '   response',
    )
    for (const [name, path, runs] of scenarios) {
      const times: number[] = []
      let size = 0
      for (let i = 0; i < runs + 3; i++) {
        started = performance.now()
        const response = await get(path)
        const bytes = (await response.arrayBuffer()).byteLength
        const elapsed = performance.now() - started
        if (i >= 3) times.push(elapsed) // the first three warm caches and prepared statements
        size = bytes
      }
      times.sort((a, b) => a - b)
      console.log(
        name.padEnd(41) +
          percentile(times, 50).toFixed(1).padStart(10) +
          percentile(times, 95).toFixed(1).padStart(10) +
          String(runs).padStart(6) +
          `   ${(size / 1024).toFixed(1)} KiB`,
      )
    }
  } finally {
    await db.close()
  }
}

await main()
