import { beforeAll, describe, expect, test } from 'bun:test'
import { netWorthQuery, spendingQuery } from '../src/modules/insights/service.ts'
import type { TransactionFilters } from '../src/modules/transactions/filters.ts'
import { transactionQuery } from '../src/modules/transactions/service.ts'
import { type AccountRow, insertManyTransactions, insertSnapshots, seedBank } from './helpers/bank-data.ts'
import { useTestDatabase } from './helpers/db.ts'

/**
 * The data API's queries on 100,000 transactions of one user (and a few of another): EXPLAIN must show
 * the intended index, never a sequential scan of transactions. The same assertions hold on real
 * PostgreSQL (TEST_DATABASE_URL; what production runs) and on the embedded PGlite. Seeding takes about
 * 5 s on PostgreSQL and 10 s on PGlite; DATA_API_SKIP_EXPLAIN=1 skips the file.
 */
const enabled = process.env.DATA_API_SKIP_EXPLAIN !== '1'
const database = enabled ? useTestDatabase() : undefined
const ROWS = 100_000

if (!enabled) test.skip('EXPLAIN on 100,000 transactions: skipped (DATA_API_SKIP_EXPLAIN=1)', () => {})

interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  'Index Name'?: string
  Plans?: PlanNode[]
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)]
}

describe.if(enabled)('EXPLAIN on 100,000 transactions', () => {
  const db = database as NonNullable<typeof database>
  let userId: string
  let accounts: AccountRow[]

  beforeAll(async () => {
    const sql = db.sql
    const users = await sql<{ id: string }[]>`
      insert into users (email, password_hash)
      values ('perf@example.com', 'x'), ('other@example.com', 'x') returning id`
    userId = (users[0] as { id: string }).id
    const bank = await seedBank(sql, userId)
    accounts = [bank.checking, bank.credit]
    await insertManyTransactions(sql, accounts, { count: ROWS, lastDay: '2025-06-30', days: 730 })
    const other = await seedBank(sql, (users[1] as { id: string }).id, 'Other Bank')
    await insertManyTransactions(sql, [other.checking], { count: 2_000 })
    const days = Array.from({ length: 365 }, (_, i) =>
      new Date(Date.UTC(2024, 6, 1 + i)).toISOString().slice(0, 10),
    )
    for (const account of [bank.checking, bank.savings, bank.credit])
      await insertSnapshots(
        sql,
        account,
        days.map((day, i) => ({ day, current: `${1000 + i}.00` })),
      )
    await sql`analyze`
  }, 120_000)

  async function plan(query: PromiseLike<unknown> & object): Promise<PlanNode[]> {
    const [row] = await db.sql<
      { 'QUERY PLAN': [{ Plan: PlanNode }] }[]
    >`explain (format json) ${query as never}`
    return nodes((row as { 'QUERY PLAN': [{ Plan: PlanNode }] })['QUERY PLAN'][0].Plan)
  }

  const seqScans = (all: PlanNode[], table: string) =>
    all.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === table)
  const indexes = (all: PlanNode[]) => all.map((n) => n['Index Name']).filter(Boolean)

  const list = (filters: TransactionFilters, after: { date: string; id: string } | null = null) =>
    plan(transactionQuery(db.sql, userId, filters, after, 51))

  test('the data is there', async () => {
    const [row] = await db.sql<
      { count: number }[]
    >`select count(*)::int as count from transactions where user_id = ${userId}`
    expect(row?.count).toBe(ROWS)
  })

  test('list, first and a deep page: the (user, date, id) index in order, no sort of the table', async () => {
    for (const after of [null, { date: '2024-01-15', id: '80000000-0000-4000-8000-000000000000' }]) {
      const all = await list({}, after)
      expect(seqScans(all, 'transactions')).toEqual([])
      expect(indexes(all)).toContain('transactions_user_date_idx')
      expect(all.some((n) => n['Node Type'] === 'Sort')).toBe(false)
    }
  })

  test('accountId: an index on transactions, no seq scan', async () => {
    const all = await list({ accountId: accounts[1]?.id as string })
    expect(seqScans(all, 'transactions')).toEqual([])
    expect(indexes(all).some((name) => /^transactions_(account|user)_date_idx$/.test(name as string))).toBe(
      true,
    )
  })

  test('date range: the (user, date, id) index with both bounds', async () => {
    const all = await list({ from: '2024-01-01', to: '2024-01-31' })
    expect(seqScans(all, 'transactions')).toEqual([])
    expect(indexes(all)).toContain('transactions_user_date_idx')
  })

  test('q: the trigram index for a selective search; never a seq scan for a common one', async () => {
    const selective = await list({ q: 'Store #4242' })
    expect(seqScans(selective, 'transactions')).toEqual([])
    expect(indexes(selective)).toContain('transactions_search_idx')
    const common = await list({ q: 'coffee' })
    expect(seqScans(common, 'transactions')).toEqual([])
  })

  test('combined filters and the category filter: no seq scan', async () => {
    for (const filters of [
      { category: 'ENTERTAINMENT' },
      { category: 'INCOME', from: '2025-01-01', minAmount: '-5000', pending: false },
      { accountId: accounts[0]?.id as string, q: 'Whole Foods', to: '2025-03-01' },
    ])
      expect(seqScans(await list(filters), 'transactions')).toEqual([])
  })

  test('spending insights: an index range over the window, no seq scan', async () => {
    const all = await plan(spendingQuery(db.sql, userId, '2025-01-01', '2025-07-01'))
    expect(seqScans(all, 'transactions')).toEqual([])
    expect(indexes(all).some((name) => (name as string).startsWith('transactions_user_'))).toBe(true)
  })

  test('net worth: one primary-key probe per account and point, no seq scan of snapshots per point', async () => {
    const all = await plan(
      netWorthQuery(db.sql, userId, { interval: 'day', from: '2025-01-01', to: '2025-03-31' }),
    )
    expect(indexes(all)).toContain('balance_snapshots_pkey')
  })
})
