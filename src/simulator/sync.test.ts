import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { TransactionsUpdateStatus } from 'plaid'
import { PlaidApiError } from './errors.ts'
import { createLedger, type Ledger } from './ledger.ts'
import { syncPage } from './sync.ts'
import { createCursorCodec } from './sync-cursor.ts'
import { FIXED_NOW, type Json, plaidFailure, type SimulatorHarness, startHarness } from './testing/harness.ts'

type Row = { id: string; accountIndex: number; value: number }

type Step =
  | { kind: 'page'; count: number }
  | {
      kind: 'mutate'
      ops: Array<{ op: 'insert' | 'replace' | 'remove'; pick: number; account: number; value: number }>
    }

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('page' as const), count: fc.integer({ min: 1, max: 25 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('mutate' as const),
      ops: fc.array(
        fc.record({
          op: fc.constantFrom('insert' as const, 'replace' as const, 'remove' as const),
          pick: fc.nat(),
          account: fc.integer({ min: 0, max: 2 }),
          value: fc.integer({ min: -100_000, max: 100_000 }),
        }),
        { maxLength: 6 },
      ),
    }),
  },
)

/** A client that follows Plaid's guidance: buffer a pagination loop, apply it when has_more is false, restart on a mutation error. */
function runClient(ledger: Ledger<Row>, steps: readonly Step[], initial: number, accountIndex: number) {
  const codec = createCursorCodec()
  let nextId = 0
  const mutate = (ops: Extract<Step, { kind: 'mutate' }>['ops']) =>
    ledger.batch((mutator) => {
      for (const { op, pick, account, value } of ops) {
        const ids = [...ledger.values()].map((row) => row.id).filter((id) => mutator.get(id))
        const target = ids.length > 0 ? ids[pick % ids.length] : undefined
        if (op === 'insert' || !target) mutator.insert({ id: `t${nextId++}`, accountIndex: account, value })
        else if (op === 'replace') mutator.replace({ ...(mutator.get(target) as Row), value })
        else mutator.remove(target)
      }
    })
  mutate(
    Array.from({ length: initial }, (_, i) => ({ op: 'insert' as const, pick: 0, account: i % 3, value: i })),
  )

  const client = new Map<string, number>()
  let committed = ''
  let cursor = ''
  let buffer: Array<{ added: Row[]; modified: Row[]; removed: Row[] }> = []
  let loopSnapshot: number | null = null
  const seenInLoop = new Set<string>()

  const apply = () => {
    for (const page of buffer) {
      for (const row of page.added) {
        expect(client.has(row.id)).toBe(false)
        client.set(row.id, row.value)
      }
      for (const row of page.modified) {
        expect(client.has(row.id)).toBe(true)
        client.set(row.id, row.value)
      }
      for (const row of page.removed) {
        expect(client.has(row.id)).toBe(true)
        client.delete(row.id)
      }
    }
    buffer = []
  }

  const page = (count: number): 'done' | 'more' | 'restart' => {
    try {
      const result = syncPage(ledger, codec, 1, { cursor, count, accountIndex })
      // Changes made mid-loop must have been refused above.
      if (loopSnapshot !== null) expect(ledger.version).toBe(loopSnapshot)
      loopSnapshot = result.hasMore ? ledger.version : null
      for (const row of [...result.added, ...result.modified, ...result.removed]) {
        expect(seenInLoop.has(row.id)).toBe(false)
        seenInLoop.add(row.id)
        if (accountIndex >= 0) expect(row.accountIndex).toBe(accountIndex)
      }
      buffer.push(result)
      cursor = result.nextCursor
      if (result.hasMore) return 'more'
      apply()
      committed = cursor
      seenInLoop.clear()
      return 'done'
    } catch (error) {
      expect(error).toBeInstanceOf(PlaidApiError)
      expect((error as PlaidApiError).code).toBe('TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION')
      // Only a continuing loop whose data changed may be refused.
      expect(loopSnapshot).not.toBeNull()
      expect(ledger.version).not.toBe(loopSnapshot)
      buffer = []
      seenInLoop.clear()
      cursor = committed
      loopSnapshot = null
      return 'restart'
    }
  }

  for (const step of steps) {
    if (step.kind === 'page') page(step.count)
    else mutate(step.ops)
  }
  // Drain without further changes; the client must end up holding exactly the truth.
  let finished = false
  for (let guard = 0; guard < 10_000 && !finished; guard++) finished = page(500) === 'done'
  expect(finished).toBe(true)
  const truth = new Map(
    [...ledger.values()]
      .filter((row) => accountIndex < 0 || row.accountIndex === accountIndex)
      .map((row) => [row.id, row.value]),
  )
  expect(client).toEqual(truth)
}

describe('sync invariants (properties)', () => {
  test('for Json mutations and page sizes, pages applied in order rebuild the truth with no duplicates', () => {
    fc.assert(
      fc.property(
        fc.array(stepArbitrary, { maxLength: 40 }),
        fc.integer({ min: 0, max: 60 }),
        (steps, initial) => {
          runClient(createLedger<Row>(), steps, initial, -1)
        },
      ),
      { numRuns: 300 },
    )
  })

  test('account-scoped sync (options.account_id) rebuilds exactly that account', () => {
    fc.assert(
      fc.property(
        fc.array(stepArbitrary, { maxLength: 30 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 2 }),
        (steps, initial, account) => {
          runClient(createLedger<Row>(), steps, initial, account)
        },
      ),
      { numRuns: 150 },
    )
  })

  test('a change while paginating is always detected on the next page', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 50 }), fc.integer({ min: 1, max: 5 }), (size, count) => {
        fc.pre(size > count)
        const ledger = createLedger<Row>()
        ledger.batch((mutator) => {
          for (let i = 0; i < size; i++) mutator.insert({ id: `r${i}`, accountIndex: 0, value: i })
        })
        const codec = createCursorCodec()
        const first = syncPage(ledger, codec, 1, { count, accountIndex: -1 })
        expect(first.hasMore).toBe(true)
        ledger.batch((mutator) => mutator.replace({ id: 'r0', accountIndex: 0, value: -1 }))
        expect(() =>
          syncPage(ledger, codec, 1, { cursor: first.nextCursor, count, accountIndex: -1 }),
        ).toThrow('Underlying transaction data changed')
      }),
      { numRuns: 100 },
    )
  })

  test('cursors cannot be forged or moved to another item', () => {
    const ledger = createLedger<Row>()
    ledger.batch((mutator) => mutator.insert({ id: 'a', accountIndex: 0, value: 1 }))
    const codec = createCursorCodec()
    const { nextCursor } = syncPage(ledger, codec, 1, { count: 10, accountIndex: -1 })
    const forged = Buffer.from(
      Buffer.from(nextCursor, 'base64url').toString().replace(/^1\./, '2.'),
    ).toString('base64url')
    for (const cursor of [forged, 'garbage', `${nextCursor}x`]) {
      expect(() => syncPage(ledger, codec, 2, { cursor, count: 10, accountIndex: -1 })).toThrow(
        'cursor is not valid',
      )
    }
    expect(() => syncPage(ledger, codec, 2, { cursor: nextCursor, count: 10, accountIndex: -1 })).toThrow(
      'cursor is not valid',
    )
  })
})

describe('/transactions/sync over HTTP with the official client', () => {
  let harness: SimulatorHarness
  beforeAll(async () => {
    harness = await startHarness({ now: () => FIXED_NOW })
  })
  afterAll(() => harness.stop())

  async function syncAll(accessToken: string, cursor = '', count = 500) {
    const added = new Map<string, Json>()
    const modified: Json[] = []
    const removed: string[] = []
    let pages = 0
    for (;;) {
      const { data } = await harness.client.transactionsSync({ access_token: accessToken, cursor, count })
      pages++
      for (const transaction of data.added) {
        expect(added.has(transaction.transaction_id)).toBe(false)
        added.set(transaction.transaction_id, transaction)
      }
      modified.push(...data.modified)
      removed.push(...data.removed.map((entry) => entry.transaction_id))
      cursor = data.next_cursor
      if (!data.has_more) return { added, modified, removed, cursor, pages, accounts: data.accounts }
    }
  }

  test('the first sync pages through the whole history once, with the default count of 100', async () => {
    const { accessToken, itemId } = await harness.linkItem()
    const { data: first } = await harness.client.transactionsSync({ access_token: accessToken })
    expect(first.added).toHaveLength(100)
    expect(first.has_more).toBe(true)
    expect(first.transactions_update_status).toBe(TransactionsUpdateStatus.HistoricalUpdateComplete)
    expect(first.accounts).toHaveLength(3)
    const all = await syncAll(accessToken)
    const truth = (await harness.control('GET', `/simulator/items/${itemId}`)).body
    expect(all.added.size).toBe(truth.total_transactions)
    expect([...all.added.keys()].sort()).toEqual(truth.transactions.map((t: Json) => t.transaction_id).sort())
    expect(all.pages).toBe(Math.ceil(truth.total_transactions / 500))
    const again = await harness.client.transactionsSync({ access_token: accessToken, cursor: all.cursor })
    expect(again.data).toMatchObject({ added: [], modified: [], removed: [], has_more: false })
  })

  test('as days pass, pending transactions post (removed + added with pending_transaction_id) and new ones arrive', async () => {
    const { accessToken, itemId } = await harness.linkItem()
    const initial = await syncAll(accessToken)
    const store = new Map(initial.added)
    const pendingBefore = [...store.values()].filter((t) => t.pending).map((t) => t.transaction_id)
    await harness.control('POST', '/simulator/clock/advance', { days: 6 })
    const update = await syncAll(accessToken, initial.cursor)
    expect(update.added.size).toBeGreaterThan(0)
    for (const id of update.removed) expect(store.delete(id)).toBe(true)
    for (const transaction of update.modified) store.set(transaction.transaction_id, transaction)
    for (const [id, transaction] of update.added) store.set(id, transaction)
    const replaced = [...update.added.values()].filter(
      (t) => t.pending_transaction_id && pendingBefore.includes(t.pending_transaction_id),
    )
    for (const posted of replaced) {
      expect(posted.pending).toBe(false)
      expect(update.removed).toContain(posted.pending_transaction_id)
    }
    // Every pending transaction from before has settled or been reversed after six days.
    for (const id of pendingBefore) expect(update.removed).toContain(id)
    const truth = (await harness.control('GET', `/simulator/items/${itemId}`)).body
    expect(new Map([...store].map(([id, t]) => [id, t.amount]))).toEqual(
      new Map(truth.transactions.map((t: Json) => [t.transaction_id, t.amount])),
    )
  })

  test('a change during pagination answers TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION; restarting succeeds', async () => {
    const { accessToken, itemId } = await harness.linkItem()
    const first = await harness.client.transactionsSync({ access_token: accessToken, count: 100 })
    const account = first.data.accounts[0]?.account_id
    const added = await harness.control('POST', `/simulator/items/${itemId}/transactions`, {
      account_id: account,
      amount: 12.34,
      name: 'Corner Store',
    })
    expect(added.status).toBe(200)
    const failure = await plaidFailure(
      harness.client.transactionsSync({ access_token: accessToken, cursor: first.data.next_cursor }),
    )
    expect(failure.status).toBe(400)
    expect(failure.data).toMatchObject({
      error_type: 'TRANSACTIONS_ERROR',
      error_code: 'TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION',
    })
    const restarted = await syncAll(accessToken, '')
    expect(restarted.added.has(added.body.transaction.transaction_id)).toBe(true)
  })

  test('an injected mutation-during-pagination fault hits only continuing pages', async () => {
    const { accessToken } = await harness.linkItem()
    await harness.control('PUT', '/simulator/faults', {
      endpoint: '/transactions/sync',
      mutation_during_pagination_rate: 1,
    })
    try {
      const first = await harness.client.transactionsSync({ access_token: accessToken, count: 50 })
      const failure = await plaidFailure(
        harness.client.transactionsSync({ access_token: accessToken, cursor: first.data.next_cursor }),
      )
      expect(failure.data.error_code).toBe('TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION')
    } finally {
      await harness.control('DELETE', '/simulator/faults')
    }
  })

  test('options.account_id scopes the sync; bad cursors are INVALID_FIELD', async () => {
    const { accessToken } = await harness.linkItem()
    const other = await harness.linkItem()
    const { data: accounts } = await harness.client.accountsGet({ access_token: accessToken })
    const card = accounts.accounts.find((account) => account.subtype === 'credit card')?.account_id ?? ''
    const { data } = await harness.client.transactionsSync({
      access_token: accessToken,
      count: 500,
      options: { account_id: card },
    })
    expect(data.added.length).toBeGreaterThan(0)
    expect(new Set(data.added.map((t) => t.account_id))).toEqual(new Set([card]))
    expect(data.accounts.map((account) => account.account_id)).toEqual([card])
    const foreign = (await harness.client.transactionsSync({ access_token: other.accessToken })).data
      .next_cursor
    const failure = await plaidFailure(
      harness.client.transactionsSync({ access_token: accessToken, cursor: foreign }),
    )
    expect(failure.data.error_code).toBe('INVALID_FIELD')
    expect(
      (await plaidFailure(harness.client.transactionsSync({ access_token: accessToken, cursor: 'bogus' })))
        .data.error_code,
    ).toBe('INVALID_FIELD')
  })

  test('/transactions/refresh brings new activity to the next sync', async () => {
    const { accessToken } = await harness.linkItem()
    const initial = await syncAll(accessToken)
    await harness.client.transactionsRefresh({ access_token: accessToken })
    const update = await syncAll(accessToken, initial.cursor)
    expect(update.added.size).toBeGreaterThanOrEqual(1)
  })
})
