import { beforeAll, describe, expect, test } from 'bun:test'
import { useTestApp } from './helpers/app.ts'
import {
  type AccountRow,
  insertAccount,
  insertItem,
  insertTransactions,
  seedBank,
  type TransactionInput,
} from './helpers/bank-data.ts'
import { as, signUp, type TestUser } from './helpers/users.ts'

/** GET /api/accounts and GET /api/transactions: shapes, every filter, pagination, scoping. */
const tally = useTestApp()

interface Txn {
  id: string
  accountId: string
  accountName: string
  date: string
  authorizedDate: string | null
  amount: string
  currency: string | null
  name: string
  merchantName: string | null
  category: { primary: string | null; detailed: string | null }
  paymentChannel: string | null
  pending: boolean
}

async function get(user: TestUser, path: string) {
  const response = await tally.request(path, as(user, 'GET'))
  return { status: response.status, body: await response.json(), headers: response.headers }
}

async function list(user: TestUser, query = ''): Promise<Txn[]> {
  const { status, body } = await get(user, `/api/transactions?limit=200${query ? `&${query}` : ''}`)
  expect({ status, body: status === 200 ? 'ok' : body }).toEqual({ status: 200, body: 'ok' })
  expect(body.nextCursor).toBeNull()
  return body.transactions
}

const names = (rows: Txn[]) => rows.map((r) => r.name).sort()

let alice: TestUser
let bob: TestUser
let bank: Awaited<ReturnType<typeof seedBank>>
let bobsAccount: AccountRow

const ALICE_ROWS: (TransactionInput & { name: string })[] = [
  {
    name: 'Coffee',
    date: '2025-03-01',
    amount: '4.50',
    merchantName: 'Blue Bottle',
    categoryPrimary: 'FOOD_AND_DRINK',
    categoryDetailed: 'FOOD_AND_DRINK_COFFEE',
  },
  {
    name: 'Groceries',
    date: '2025-03-02',
    amount: '82.10',
    merchantName: 'Whole Foods',
    categoryPrimary: 'FOOD_AND_DRINK',
    categoryDetailed: 'FOOD_AND_DRINK_GROCERIES',
    authorizedDate: '2025-03-01',
  },
  {
    name: 'Salary',
    date: '2025-03-15',
    amount: '-3000.00',
    merchantName: null,
    categoryPrimary: 'INCOME',
    categoryDetailed: 'INCOME_WAGES',
  },
  {
    name: 'Refund 100% cotton',
    date: '2025-03-20',
    amount: '-19.99',
    merchantName: 'Shirt_Shop',
    categoryPrimary: 'GENERAL_MERCHANDISE',
  },
  {
    name: 'Train',
    date: '2025-03-31',
    amount: '12.00',
    merchantName: 'Metro',
    categoryPrimary: 'TRANSPORTATION',
    pending: true,
  },
  {
    name: 'Rent',
    date: '2025-04-01',
    amount: '1500.00',
    merchantName: 'Landlord LLC',
    categoryPrimary: 'RENT_AND_UTILITIES',
  },
  {
    name: 'To savings',
    date: '2025-04-02',
    amount: '200.00',
    merchantName: null,
    categoryPrimary: 'TRANSFER_OUT',
  },
]

beforeAll(async () => {
  alice = await signUp(tally)
  bob = await signUp(tally)
  const sql = tally.db.sql
  bank = await seedBank(sql, alice.id, 'Zeta Bank')
  await insertTransactions(sql, bank.checking, ALICE_ROWS)
  await insertTransactions(sql, bank.credit, [
    {
      name: 'Cinema',
      date: '2025-03-10',
      amount: '25.00',
      merchantName: 'AMC',
      categoryPrimary: 'ENTERTAINMENT',
    },
    {
      name: 'Card payment',
      date: '2025-03-25',
      amount: '-410.25',
      categoryPrimary: 'LOAN_PAYMENTS',
      categoryDetailed: 'LOAN_PAYMENTS_CREDIT_CARD_PAYMENT',
    },
  ])
  const bobs = await seedBank(sql, bob.id, 'Alpha Credit Union')
  bobsAccount = bobs.checking
  await insertTransactions(sql, bobs.checking, [
    {
      name: 'Coffee',
      date: '2025-03-01',
      amount: '3.00',
      merchantName: 'Blue Bottle',
      categoryPrimary: 'FOOD_AND_DRINK',
    },
    { name: 'Bob secret purchase', date: '2025-03-05', amount: '999.00' },
  ])
})

describe('GET /api/accounts', () => {
  test('lists the user’s accounts with institution, balances as decimal strings, by bank then type', async () => {
    const sql = tally.db.sql
    // A second bank, sorting before the first one, with a loan and an investment account.
    const other = await insertItem(sql, alice.id, {
      institutionName: 'Acme Savings',
      status: 'login_required',
    })
    const updated = new Date('2025-04-02T10:00:00Z')
    await insertAccount(sql, other, {
      name: 'Mortgage',
      type: 'loan',
      subtype: 'mortgage',
      current: '250000.00',
      mask: null,
    })
    await insertAccount(sql, other, {
      name: 'Brokerage',
      type: 'investment',
      subtype: 'brokerage',
      current: '12.30',
      currency: 'EUR',
      balancesUpdatedAt: updated,
    })
    const { status, body, headers } = await get(alice, '/api/accounts')
    expect(status).toBe(200)
    expect(headers.get('cache-control')).toBe('no-store')
    expect(body.accounts.map((a: { name: string }) => a.name)).toEqual([
      'Brokerage',
      'Mortgage',
      'Everyday Checking',
      'Rainy Day Savings',
      'Platypus Card',
    ])
    expect(body.accounts[0]).toEqual({
      id: expect.any(String),
      itemId: other.id,
      institution: { id: expect.any(String), name: 'Acme Savings' },
      itemStatus: 'login_required',
      name: 'Brokerage',
      officialName: null,
      mask: '0000',
      type: 'investment',
      subtype: 'brokerage',
      currency: 'EUR',
      balances: { current: '12.30', available: null, limit: null },
      balancesUpdatedAt: updated.toISOString(),
    })
    const card = body.accounts.find((a: { name: string }) => a.name === 'Platypus Card')
    expect(card).toMatchObject({
      id: bank.credit.id,
      itemId: bank.item.id,
      institution: { name: 'Zeta Bank' },
      itemStatus: 'healthy',
      type: 'credit',
      subtype: 'credit card',
      mask: '3333',
      balances: { current: '410.25', available: '4589.75', limit: '5000.00' },
      balancesUpdatedAt: null,
    })
    expect(body.accounts[1].mask).toBeNull()
  })

  test('another user sees only their own accounts; a user without a bank gets an empty list', async () => {
    const { body } = await get(bob, '/api/accounts')
    expect(body.accounts.map((a: { name: string }) => a.name)).toEqual([
      'Everyday Checking',
      'Rainy Day Savings',
      'Platypus Card',
    ])
    expect(JSON.stringify(body)).not.toContain(bank.item.id)
    expect((await get(await signUp(tally), '/api/accounts')).body).toEqual({ accounts: [] })
  })

  test('needs a session', async () => {
    expect((await tally.request('/api/accounts')).status).toBe(401)
  })
})

describe('GET /api/transactions', () => {
  test('newest first with every field; amounts are decimal strings in Plaid’s sign', async () => {
    const rows = await list(alice)
    expect(rows.map((r) => r.date)).toEqual([
      '2025-04-02',
      '2025-04-01',
      '2025-03-31',
      '2025-03-25',
      '2025-03-20',
      '2025-03-15',
      '2025-03-10',
      '2025-03-02',
      '2025-03-01',
    ])
    expect(rows.find((r) => r.name === 'Groceries')).toEqual({
      id: expect.any(String),
      accountId: bank.checking.id,
      accountName: 'Everyday Checking',
      date: '2025-03-02',
      authorizedDate: '2025-03-01',
      amount: '82.10',
      currency: 'USD',
      name: 'Groceries',
      merchantName: 'Whole Foods',
      category: { primary: 'FOOD_AND_DRINK', detailed: 'FOOD_AND_DRINK_GROCERIES' },
      paymentChannel: 'in store',
      pending: false,
    })
    expect(rows.find((r) => r.name === 'Salary')?.amount).toBe('-3000.00')
    expect(rows.some((r) => r.name.startsWith('Bob'))).toBe(false)
  })

  test('accountId: only that account; another user’s account id yields nothing', async () => {
    expect(names(await list(alice, `accountId=${bank.credit.id}`))).toEqual(['Card payment', 'Cinema'])
    expect(await list(alice, `accountId=${bank.savings.id}`)).toEqual([])
    expect(await list(alice, `accountId=${bobsAccount.id}`)).toEqual([])
    expect(await list(bob, `accountId=${bank.checking.id}`)).toEqual([])
  })

  test('from and to are inclusive days, alone or together', async () => {
    expect(names(await list(alice, 'from=2025-04-01'))).toEqual(['Rent', 'To savings'])
    expect(names(await list(alice, 'to=2025-03-01'))).toEqual(['Coffee'])
    expect(names(await list(alice, 'from=2025-03-15&to=2025-03-25'))).toEqual([
      'Card payment',
      'Refund 100% cotton',
      'Salary',
    ])
    expect(names(await list(alice, 'from=2025-03-31&to=2025-03-31'))).toEqual(['Train'])
    expect(await list(alice, 'from=2026-01-01')).toEqual([])
  })

  test('q searches name and merchant, case-insensitively, trimmed, with % and _ taken literally', async () => {
    expect(names(await list(alice, 'q=coffee'))).toEqual(['Coffee'])
    expect(names(await list(alice, 'q=WHOLE%20foods'))).toEqual(['Groceries'])
    expect(names(await list(alice, `q=${encodeURIComponent('  bottle ')}`))).toEqual(['Coffee'])
    expect(names(await list(alice, `q=${encodeURIComponent('100%')}`))).toEqual(['Refund 100% cotton'])
    expect(await list(alice, `q=${encodeURIComponent('%')}`)).toHaveLength(1)
    expect(names(await list(alice, `q=${encodeURIComponent('t_s')}`))).toEqual(['Refund 100% cotton'])
    expect(await list(alice, `q=${encodeURIComponent('R_nt')}`)).toEqual([]) // _ is not a wildcard
    expect(await list(alice, `q=${encodeURIComponent('\\')}`)).toEqual([])
    expect(await list(alice, 'q=secret')).toEqual([]) // Bob's
  })

  test('category is the primary category', async () => {
    expect(names(await list(alice, 'category=FOOD_AND_DRINK'))).toEqual(['Coffee', 'Groceries'])
    expect(names(await list(alice, 'category=INCOME'))).toEqual(['Salary'])
    expect(await list(alice, 'category=TRAVEL')).toEqual([])
  })

  test('minAmount and maxAmount bound the signed amount, inclusively, as decimals or integers', async () => {
    expect(names(await list(alice, 'minAmount=200'))).toEqual(['Rent', 'To savings'])
    expect(names(await list(alice, 'minAmount=82.1&maxAmount=200.00'))).toEqual(['Groceries', 'To savings'])
    expect(names(await list(alice, 'maxAmount=-19.99'))).toEqual([
      'Card payment',
      'Refund 100% cotton',
      'Salary',
    ])
    expect(names(await list(alice, 'minAmount=-20&maxAmount=5'))).toEqual(['Coffee', 'Refund 100% cotton'])
    expect(names(await list(alice, 'minAmount=4.5&maxAmount=4.50'))).toEqual(['Coffee'])
  })

  test('pending', async () => {
    expect(names(await list(alice, 'pending=true'))).toEqual(['Train'])
    expect(await list(alice, 'pending=false')).toHaveLength(8)
  })

  test('filters combine (all must hold)', async () => {
    expect(
      names(
        await list(
          alice,
          `accountId=${bank.checking.id}&from=2025-03-01&to=2025-03-31&category=FOOD_AND_DRINK&q=o&minAmount=5&pending=false`,
        ),
      ),
    ).toEqual(['Groceries'])
    expect(await list(alice, `accountId=${bank.credit.id}&category=FOOD_AND_DRINK`)).toEqual([])
    expect(names(await list(alice, 'q=e&maxAmount=0&from=2025-03-16'))).toEqual([
      'Card payment',
      'Refund 100% cotton',
    ])
  })

  test('invalid filters are 422 with an error per field', async () => {
    const cases: [string, string[]][] = [
      ['from=2025-04-02&to=2025-04-01', ['/from']],
      ['minAmount=10&maxAmount=9.99', ['/minAmount']],
      ['from=2025-02-30', ['/from']],
      ['to=yesterday', ['/to']],
      ['accountId=nope', ['/accountId']],
      ['category=food', ['/category']],
      ['minAmount=1e3', ['/minAmount']],
      ['maxAmount=1.234', ['/maxAmount']],
      ['pending=maybe', ['/pending']],
      [`q=${encodeURIComponent('   ')}`, ['/q']],
      [`q=${'x'.repeat(101)}`, ['/q']],
    ]
    for (const [query, paths] of cases) {
      const { status, body } = await get(alice, `/api/transactions?${query}`)
      expect({ query, status, code: body.code }).toEqual({ query, status: 422, code: 'VALIDATION_FAILED' })
      expect({ query, paths: body.errors.map((e: { path: string }) => e.path) }).toEqual({ query, paths })
    }
    // limit's range error comes from Elysia's numeric coercion, which reports no field path (shared code).
    for (const limit of ['201', '0', 'x'])
      expect((await get(alice, `/api/transactions?limit=${limit}`)).status).toBe(422)
    const both = await get(alice, '/api/transactions?from=2025-04-02&to=2025-04-01&minAmount=2&maxAmount=1')
    expect(both.body.errors.map((e: { path: string }) => e.path)).toEqual(['/from', '/minAmount'])
  })

  test('cursors not issued by the API are 422 INVALID_CURSOR', async () => {
    for (const cursor of [
      'garbage',
      Buffer.from('["2025-01-01"]').toString('base64url'),
      Buffer.from('["2025-13-01","00000000-0000-0000-0000-000000000000"]').toString('base64url'),
      Buffer.from('["2025-01-01","not-a-uuid"]').toString('base64url'),
      Buffer.from('["2025-01-01\' or 1=1","00000000-0000-0000-0000-000000000000"]').toString('base64url'),
    ]) {
      const { status, body } = await get(alice, `/api/transactions?cursor=${cursor}`)
      expect({ status, code: body.code }).toEqual({ status: 422, code: 'INVALID_CURSOR' })
    }
  })

  test('needs a session', async () => {
    expect((await tally.request('/api/transactions')).status).toBe(401)
  })
})

describe('keyset pagination on (date, id)', () => {
  async function pageThrough(user: TestUser, query: string, between?: (page: number) => Promise<void>) {
    const seen: Txn[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const path: string = `/api/transactions?${query}${cursor ? `&cursor=${cursor}` : ''}`
      const { status, body } = await get(user, path)
      expect(status).toBe(200)
      seen.push(...body.transactions)
      cursor = body.nextCursor
      pages++
      if (cursor) await between?.(pages)
    } while (cursor)
    return { seen, pages }
  }

  test('pages cover every row exactly once, in order, also among many rows on one date', async () => {
    const user = await signUp(tally)
    const { checking } = await seedBank(tally.db.sql, user.id)
    // 23 rows on only 4 dates: ties on date are broken by id.
    await insertTransactions(
      tally.db.sql,
      checking,
      Array.from({ length: 23 }, (_, i) => ({
        name: `T${i}`,
        date: `2025-05-0${1 + (i % 4)}`,
        amount: '1.00',
      })),
    )
    const all = await list(user)
    expect(all).toHaveLength(23)
    const sorted = [...all].sort((a, b) =>
      a.date === b.date ? (a.id < b.id ? 1 : -1) : a.date < b.date ? 1 : -1,
    )
    expect(all.map((r) => r.id)).toEqual(sorted.map((r) => r.id))
    const { seen, pages } = await pageThrough(user, 'limit=5')
    expect(pages).toBe(5)
    expect(seen.map((r) => r.id)).toEqual(all.map((r) => r.id))
    // A full last page still ends with nextCursor null after one more (empty) request at most.
    const exact = await pageThrough(user, 'limit=23')
    expect(exact.pages).toBe(1)
  })

  test('rows inserted while paging neither repeat nor hide the rows not yet seen', async () => {
    const user = await signUp(tally)
    const { checking } = await seedBank(tally.db.sql, user.id)
    await insertTransactions(
      tally.db.sql,
      checking,
      Array.from({ length: 20 }, (_, i) => ({
        name: `Old${i}`,
        date: `2025-06-${String(10 + i).padStart(2, '0')}`,
        amount: '2.00',
      })),
    )
    const before = await list(user)
    const { seen } = await pageThrough(user, 'limit=6', async (page) => {
      if (page !== 1) return
      // After the first page (June 29 … 24): rows newer than the cursor, on the cursor's own date on
      // either side of its id, and among the rows not seen yet.
      await insertTransactions(tally.db.sql, checking, [
        { name: 'New-top', date: '2025-07-01', amount: '3.00' },
        {
          name: 'New-same-above',
          date: '2025-06-24',
          amount: '3.00',
          id: 'ffffffff-ffff-4fff-bfff-ffffffffffff',
        },
        {
          name: 'New-same-below',
          date: '2025-06-24',
          amount: '3.00',
          id: '00000000-0000-4000-8000-000000000000',
        },
        { name: 'New-mid', date: '2025-06-12', amount: '3.00' },
      ])
    })
    const ids = seen.map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length) // nothing twice
    const original = seen.filter((r) => r.name.startsWith('Old')).map((r) => r.id)
    expect(original).toEqual(before.map((r) => r.id)) // every original row, in order
    // Rows sorting before the cursor show up next time from the top; those after it are seen now.
    expect(seen.filter((r) => r.name.startsWith('New')).map((r) => r.name)).toEqual([
      'New-same-below',
      'New-mid',
    ])
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1] as Txn, seen[i] as Txn]
      expect(a.date > b.date || (a.date === b.date && a.id > b.id)).toBe(true)
    }
  })

  test('a cursor keeps working with the same filters and never reaches another user’s rows', async () => {
    const first = await get(alice, '/api/transactions?limit=2&category=FOOD_AND_DRINK')
    expect(first.body.transactions.map((r: Txn) => r.name)).toEqual(['Groceries', 'Coffee'])
    expect(first.body.nextCursor).toBeNull()
    const page = await get(alice, '/api/transactions?limit=3')
    const rest = await get(bob, `/api/transactions?limit=200&cursor=${page.body.nextCursor}`)
    expect(rest.status).toBe(200)
    expect(rest.body.transactions.every((r: Txn) => r.accountId === bobsAccount.id)).toBe(true)
  })
})
