import { beforeAll, describe, expect, test } from 'bun:test'
import { useTestApp } from './helpers/app.ts'
import { insertAccount, insertSnapshots, insertTransactions, seedBank } from './helpers/bank-data.ts'
import { as, signUp, type TestUser } from './helpers/users.ts'

/** GET /api/insights/spending and /api/insights/net-worth, against totals worked out by hand. */
const tally = useTestApp()

async function get(user: TestUser, path: string) {
  const response = await tally.request(path, as(user, 'GET'))
  return { status: response.status, body: await response.json() }
}

/** The month `offset` months from the app clock's current month (UTC), as YYYY-MM, and its days. */
function month(offset: number) {
  const now = tally.clock.now()
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1))
  const key = start.toISOString().slice(0, 7)
  const lastDay = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 0)).getUTCDate()
  return { key, day: (d: number) => `${key}-${String(d).padStart(2, '0')}`, last: `${key}-${lastDay}` }
}

describe('GET /api/insights/spending', () => {
  let alice: TestUser

  beforeAll(async () => {
    alice = await signUp(tally)
    const sql = tally.db.sql
    const { checking, credit, item } = await seedBank(sql, alice.id)
    const [m6, m3, m2, m1, m0] = [month(-6), month(-3), month(-2), month(-1), month(0)]
    await insertTransactions(sql, checking, [
      // Last month: the busy one.
      { name: 'Groceries', date: m1.day(1), amount: '100.00', categoryPrimary: 'FOOD_AND_DRINK' },
      { name: 'Restaurant', date: m1.day(10), amount: '50.25', categoryPrimary: 'FOOD_AND_DRINK' },
      { name: 'Returned food', date: m1.day(11), amount: '-10.25', categoryPrimary: 'FOOD_AND_DRINK' },
      { name: 'Shoes', date: m1.day(12), amount: '200.00', categoryPrimary: 'GENERAL_MERCHANDISE' },
      {
        name: 'Pending TV',
        date: m1.day(13),
        amount: '999.00',
        categoryPrimary: 'GENERAL_MERCHANDISE',
        pending: true,
      },
      { name: 'To savings', date: m1.day(14), amount: '500.00', categoryPrimary: 'TRANSFER_OUT' },
      { name: 'From savings', date: m1.day(15), amount: '-500.00', categoryPrimary: 'TRANSFER_IN' },
      {
        name: 'Card payment',
        date: m1.day(16),
        amount: '300.00',
        categoryPrimary: 'LOAN_PAYMENTS',
        categoryDetailed: 'LOAN_PAYMENTS_CREDIT_CARD_PAYMENT',
      },
      {
        name: 'Mortgage',
        date: m1.day(17),
        amount: '1000.00',
        categoryPrimary: 'LOAN_PAYMENTS',
        categoryDetailed: 'LOAN_PAYMENTS_MORTGAGE_PAYMENT',
      },
      { name: 'Salary', date: m1.day(25), amount: '-3000.00', categoryPrimary: 'INCOME' },
      { name: 'Interest', date: m1.last, amount: '-0.45', categoryPrimary: 'INCOME' },
      { name: 'Mystery', date: m1.day(20), amount: '5.00', categoryPrimary: null, categoryDetailed: null },
      // Month boundaries and other months.
      { name: 'Late snack', date: m2.last, amount: '1.11', categoryPrimary: 'FOOD_AND_DRINK' },
      { name: 'Old salary', date: m3.day(28), amount: '-3000.00', categoryPrimary: 'INCOME' },
      { name: 'Too old', date: m6.last, amount: '77.00', categoryPrimary: 'FOOD_AND_DRINK' },
      { name: 'Today coffee', date: m0.day(1), amount: '20.10', categoryPrimary: 'FOOD_AND_DRINK' },
    ])
    await insertTransactions(sql, credit, [
      {
        name: 'Payment received',
        date: m1.day(16),
        amount: '-300.00',
        categoryPrimary: 'LOAN_PAYMENTS',
        categoryDetailed: 'LOAN_PAYMENTS_CREDIT_CARD_PAYMENT',
      },
    ])
    const euro = await insertAccount(sql, item, { name: 'Euro account', currency: 'EUR' })
    await insertTransactions(sql, euro, [
      { name: 'Hotel', date: m0.day(1), amount: '80.00', currency: 'EUR', categoryPrimary: 'TRAVEL' },
    ])
    // Someone else's spending in the same months never counts.
    const bob = await signUp(tally)
    const bobs = await seedBank(sql, bob.id)
    await insertTransactions(sql, bobs.checking, [
      { name: 'Bob food', date: m1.day(5), amount: '12345.00', categoryPrimary: 'FOOD_AND_DRINK' },
      { name: 'Bob pay', date: m1.day(5), amount: '-9999.00', categoryPrimary: 'INCOME' },
    ])
  })

  const zero = (key: string, categories: string[]) => ({
    month: key,
    income: '0.00',
    spending: '0.00',
    categories: categories.map((category) => ({ category, spending: '0.00' })),
  })

  test('per month and category, transfers and pending left out, empty months as zeros', async () => {
    const { status, body } = await get(alice, '/api/insights/spending')
    expect(status).toBe(200)
    const order = ['LOAN_PAYMENTS', 'GENERAL_MERCHANDISE', 'FOOD_AND_DRINK', 'UNCATEGORIZED']
    const cats = (values: Record<string, string>) =>
      order.map((category) => ({ category, spending: values[category] ?? '0.00' }))
    expect(body).toEqual({
      months: 6,
      from: month(-5).key,
      to: month(0).key,
      series: [
        {
          currency: 'USD',
          total: {
            income: '6000.45',
            spending: '1366.21',
            categories: cats({
              LOAN_PAYMENTS: '1000.00',
              GENERAL_MERCHANDISE: '200.00',
              FOOD_AND_DRINK: '161.21',
              UNCATEGORIZED: '5.00',
            }),
          },
          months: [
            zero(month(-5).key, order),
            zero(month(-4).key, order),
            { month: month(-3).key, income: '3000.00', spending: '0.00', categories: cats({}) },
            {
              month: month(-2).key,
              income: '0.00',
              spending: '1.11',
              categories: cats({ FOOD_AND_DRINK: '1.11' }),
            },
            {
              month: month(-1).key,
              income: '3000.45',
              spending: '1345.00',
              categories: cats({
                LOAN_PAYMENTS: '1000.00',
                GENERAL_MERCHANDISE: '200.00',
                FOOD_AND_DRINK: '140.00',
                UNCATEGORIZED: '5.00',
              }),
            },
            {
              month: month(0).key,
              income: '0.00',
              spending: '20.10',
              categories: cats({ FOOD_AND_DRINK: '20.10' }),
            },
          ],
        },
        {
          currency: 'EUR',
          total: {
            income: '0.00',
            spending: '80.00',
            categories: [{ category: 'TRAVEL', spending: '80.00' }],
          },
          months: [-5, -4, -3, -2, -1]
            .map((o) => zero(month(o).key, ['TRAVEL']))
            .concat([
              {
                month: month(0).key,
                income: '0.00',
                spending: '80.00',
                categories: [{ category: 'TRAVEL', spending: '80.00' }],
              },
            ]),
        },
      ].reverse(), // alphabetical: EUR, USD
    })
  })

  test('months=N reaches further back; 1 is this month only', async () => {
    const seven = (await get(alice, '/api/insights/spending?months=7')).body
    const usd = seven.series.find((s: { currency: string }) => s.currency === 'USD')
    expect(usd.months).toHaveLength(7)
    expect(usd.months[0]).toMatchObject({ month: month(-6).key, spending: '77.00' })
    expect(usd.total.spending).toBe('1443.21')
    const one = (await get(alice, '/api/insights/spending?months=1')).body
    expect(one.from).toBe(month(0).key)
    expect(one.series.map((s: { total: { spending: string } }) => s.total.spending)).toEqual([
      '80.00',
      '20.10',
    ])
  })

  test('months outside 1–24 are 422; a user without data gets no series; no session is 401', async () => {
    for (const months of ['0', '25', 'x', '1.5'])
      expect((await get(alice, `/api/insights/spending?months=${months}`)).status).toBe(422)
    const empty = await get(await signUp(tally), '/api/insights/spending?months=2')
    expect(empty.body).toEqual({ months: 2, from: month(-1).key, to: month(0).key, series: [] })
    expect((await tally.request('/api/insights/spending')).status).toBe(401)
  })
})

describe('GET /api/insights/net-worth', () => {
  let alice: TestUser

  beforeAll(async () => {
    alice = await signUp(tally)
    const sql = tally.db.sql
    const { item, checking, savings, credit } = await seedBank(sql, alice.id)
    const loan = await insertAccount(sql, item, { name: 'Car loan', type: 'loan', subtype: 'auto' })
    const shares = await insertAccount(sql, item, { name: 'Depot', type: 'investment', currency: 'EUR' })
    const other = await insertAccount(sql, item, { name: 'Gift cards', type: 'other' })
    await insertSnapshots(sql, checking, [
      { day: '2024-12-25', current: '800.00' },
      { day: '2025-01-01', current: '1000.00' },
      { day: '2025-01-03', current: '1200.00' },
      { day: '2025-01-06', current: '900.00' },
      { day: '2025-01-07', current: null, available: '850.00' },
    ])
    await insertSnapshots(sql, savings, [
      { day: '2024-12-31', current: '4900.00' },
      { day: '2025-01-02', current: '5000.00' },
    ])
    await insertSnapshots(sql, credit, [
      { day: '2025-01-01', current: '300.00' },
      { day: '2025-01-04', current: '450.50' },
    ])
    await insertSnapshots(sql, loan, [{ day: '2025-01-05', current: '10000.00' }])
    await insertSnapshots(sql, shares, [{ day: '2025-01-02', current: '2000.00', currency: 'EUR' }])
    await insertSnapshots(sql, other, [{ day: '2025-01-01', current: '99.00' }])
    const bob = await signUp(tally)
    const bobs = await seedBank(sql, bob.id)
    await insertSnapshots(sql, bobs.checking, [{ day: '2025-01-01', current: '77777.00' }])
  })

  const point = (date: string, assets: string, liabilities: string, netWorth: string, accounts: number) => ({
    date,
    assets,
    liabilities,
    netWorth,
    accounts,
  })

  test('daily: assets minus liabilities, each account’s last balance carried forward, per currency', async () => {
    const { status, body } = await get(alice, '/api/insights/net-worth?from=2025-01-01&to=2025-01-07')
    expect(status).toBe(200)
    expect(body).toEqual({
      interval: 'day',
      from: '2025-01-01',
      to: '2025-01-07',
      series: [
        {
          currency: 'EUR',
          points: [
            point('2025-01-01', '0.00', '0.00', '0.00', 0),
            ...['02', '03', '04', '05', '06', '07'].map((d) =>
              point(`2025-01-${d}`, '2000.00', '0.00', '2000.00', 1),
            ),
          ],
        },
        {
          currency: 'USD',
          points: [
            point('2025-01-01', '5900.00', '300.00', '5600.00', 3),
            point('2025-01-02', '6000.00', '300.00', '5700.00', 3),
            point('2025-01-03', '6200.00', '300.00', '5900.00', 3),
            point('2025-01-04', '6200.00', '450.50', '5749.50', 3),
            point('2025-01-05', '6200.00', '10450.50', '-4250.50', 4),
            point('2025-01-06', '5900.00', '10450.50', '-4550.50', 4),
            point('2025-01-07', '5900.00', '10450.50', '-4550.50', 4),
          ],
        },
      ],
    })
  })

  test('weekly points are Sundays (and the last day); monthly points are month ends', async () => {
    const weekly = (await get(alice, '/api/insights/net-worth?interval=week&from=2025-01-01&to=2025-01-14'))
      .body
    const usd = (body: { series: { currency: string; points: unknown[] }[] }) =>
      body.series.find((s) => s.currency === 'USD')?.points
    expect(usd(weekly)).toEqual([
      point('2025-01-05', '6200.00', '10450.50', '-4250.50', 4),
      point('2025-01-12', '5900.00', '10450.50', '-4550.50', 4),
      point('2025-01-14', '5900.00', '10450.50', '-4550.50', 4),
    ])
    const monthly = (await get(alice, '/api/insights/net-worth?interval=month&from=2024-11-15&to=2025-01-07'))
      .body
    expect(usd(monthly)).toEqual([
      point('2024-11-30', '0.00', '0.00', '0.00', 0),
      point('2024-12-31', '5700.00', '0.00', '5700.00', 2),
      point('2025-01-07', '5900.00', '10450.50', '-4550.50', 4),
    ])
  })

  test('defaults: 90 days up to today; bad ranges are 422; others see only their own', async () => {
    const { body } = await get(alice, '/api/insights/net-worth')
    const today = tally.clock.now().toISOString().slice(0, 10)
    expect(body.to).toBe(today)
    expect(body.series[0].points).toHaveLength(90)
    expect(body.series[1].points.at(-1)).toEqual(point(today, '5900.00', '10450.50', '-4550.50', 4))
    expect((await get(alice, '/api/insights/net-worth?interval=month')).body.series[0].points).toHaveLength(
      12,
    )
    for (const query of [
      'from=2025-02-01&to=2025-01-01',
      'from=2020-01-01&to=2025-01-01',
      'interval=year',
      'from=2025-02-30',
    ])
      expect({ query, status: (await get(alice, `/api/insights/net-worth?${query}`)).status }).toEqual({
        query,
        status: 422,
      })
    expect(
      (await get(alice, '/api/insights/net-worth?interval=week&from=2020-01-01&to=2025-01-01')).status,
    ).toBe(200)
    const stranger = await get(await signUp(tally), '/api/insights/net-worth?from=2025-01-01&to=2025-01-02')
    expect(stranger.body.series).toEqual([])
    expect((await tally.request('/api/insights/net-worth')).status).toBe(401)
  })
})
