import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { Products } from 'plaid'
import { FIXED_NOW, type Json, plaidFailure, type SimulatorHarness, startHarness } from './testing/harness.ts'

const cents = (amount: number) => Math.round(amount * 100)

type Truth = {
  accounts: Json[]
  transactions: Json[]
  total_transactions: number
  item: Json
  version: number
}

/** Opening balance implied by the truth: current balance plus everything that has posted (Plaid's sign). */
function impliedOpenings(truth: Truth): Map<string, number> {
  const openings = new Map<string, number>()
  for (const account of truth.accounts) {
    const posted = truth.transactions
      .filter((t) => t.account_id === account.account_id && !t.pending)
      .reduce((sum, t) => sum + cents(t.amount), 0)
    const current = cents(account.balances.current)
    openings.set(account.account_id, account.type === 'credit' ? current - posted : current + posted)
  }
  return openings
}

function expectAvailableConsistent(truth: Truth) {
  for (const account of truth.accounts) {
    const pendingOut = truth.transactions
      .filter((t) => t.account_id === account.account_id && t.pending && t.amount > 0)
      .reduce((sum, t) => sum + cents(t.amount), 0)
    const { current, available, limit } = account.balances
    if (account.type === 'credit') expect(cents(available)).toBe(cents(limit) - cents(current) - pendingOut)
    else expect(cents(available)).toBe(cents(current) - pendingOut)
  }
}

describe('generated data', () => {
  let harness: SimulatorHarness
  let truth: Truth
  beforeAll(async () => {
    harness = await startHarness({ now: () => FIXED_NOW, seed: 7 })
    const { itemId } = await harness.linkItem()
    truth = (await harness.control('GET', `/simulator/items/${itemId}`)).body
  })
  afterAll(() => harness.stop())

  test('24 months of history ending today, with some still pending', () => {
    const dates = truth.transactions.map((t) => t.date).sort()
    const days = (Date.parse(dates.at(-1)) - Date.parse(dates[0])) / 86_400_000
    expect(days).toBeGreaterThanOrEqual(720)
    expect(days).toBeLessThanOrEqual(730)
    expect(dates.at(-1)).toBe('2026-03-15')
    expect(truth.total_transactions).toBeGreaterThan(1000)
    expect(truth.transactions.some((t) => t.pending)).toBe(true)
    for (const t of truth.transactions.filter((t) => t.pending))
      expect(Date.parse(t.date)).toBeGreaterThan(FIXED_NOW.getTime() - 6 * 86_400_000)
  })

  test('salary, rent, savings transfers, card payments and subscriptions recur with Plaid’s sign convention', () => {
    const [checking, savings, card] = truth.accounts.map((a) => a.account_id)
    const byCategory = (detailed: string) =>
      truth.transactions.filter((t) => t.personal_finance_category.detailed === detailed)
    const pay = byCategory('INCOME_WAGES')
    expect(pay.length).toBeGreaterThanOrEqual(50)
    for (const t of pay) {
      expect(t.amount).toBeLessThan(0)
      expect(t.account_id).toBe(checking)
    }
    const payDays = pay.map((t) => Date.parse(t.date)).sort((a, b) => a - b)
    for (let i = 1; i < payDays.length; i++)
      expect(((payDays[i] ?? 0) - (payDays[i - 1] ?? 0)) / 86_400_000).toBe(14)
    expect(byCategory('RENT_AND_UTILITIES_RENT').length).toBeGreaterThanOrEqual(23)
    const out = byCategory('TRANSFER_OUT_SAVINGS')
    const into = byCategory('TRANSFER_IN_SAVINGS')
    expect(out.length).toBe(into.length)
    for (const t of into) expect(t.account_id).toBe(savings)
    expect(out.map((t) => [t.date, -t.amount])).toEqual(into.map((t) => [t.date, t.amount]))
    const payments = byCategory('LOAN_PAYMENTS_CREDIT_CARD_PAYMENT')
    const fromChecking = payments.filter((t) => t.account_id === checking)
    const ontoCard = payments.filter((t) => t.account_id === card)
    expect(fromChecking.length).toBeGreaterThanOrEqual(22)
    expect(fromChecking.map((t) => [t.date, t.amount])).toEqual(ontoCard.map((t) => [t.date, -t.amount]))
    expect(
      byCategory('ENTERTAINMENT_TV_AND_MOVIES').filter((t) => t.merchant_name === 'Netflix').length,
    ).toBeGreaterThanOrEqual(23)
  })

  test('every transaction is well formed: taxonomy, channels, amounts in cents, posted replacing pending', () => {
    const ids = new Set<string>()
    for (const t of truth.transactions) {
      expect(ids.has(t.transaction_id)).toBe(false)
      ids.add(t.transaction_id)
      expect(t.personal_finance_category.detailed.startsWith(`${t.personal_finance_category.primary}_`)).toBe(
        true,
      )
      expect(['VERY_HIGH', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN']).toContain(
        t.personal_finance_category.confidence_level,
      )
      expect(['online', 'in store', 'other']).toContain(t.payment_channel)
      expect(Number.isInteger(Math.round(t.amount * 100))).toBe(true)
      expect(Math.abs(t.amount * 100 - Math.round(t.amount * 100))).toBeLessThan(1e-6)
      expect(t.iso_currency_code).toBe('USD')
      if (t.pending) expect(t.pending_transaction_id).toBeNull()
      if (t.pending_transaction_id) expect(ids.has(t.pending_transaction_id) && !t.pending).toBe(false)
    }
    const withPendingHistory = truth.transactions.filter((t) => t.pending_transaction_id)
    expect(withPendingHistory.length).toBeGreaterThan(500)
    for (const t of withPendingHistory) expect(t.authorized_date <= t.date).toBe(true)
    const channels = new Set(truth.transactions.map((t) => t.payment_channel))
    expect(channels).toEqual(new Set(['online', 'in store', 'other']))
  })

  test('balances agree with the transactions to the cent', () => {
    expectAvailableConsistent(truth)
    for (const account of truth.accounts.filter((a) => a.type === 'depository'))
      expect(account.balances.current).toBeGreaterThan(0)
  })

  test('the same seed and clock give identical data; another seed does not', async () => {
    const twin = await startHarness({ now: () => FIXED_NOW, seed: 7 })
    const other = await startHarness({ now: () => FIXED_NOW, seed: 8 })
    try {
      const { itemId } = await twin.linkItem()
      const twinTruth = (await twin.control('GET', `/simulator/items/${itemId}`)).body
      expect(JSON.stringify({ ...twinTruth, request_id: null })).toBe(
        JSON.stringify({ ...truth, request_id: null }),
      )
      const otherItem = await other.linkItem()
      const otherTruth = (await other.control('GET', `/simulator/items/${otherItem.itemId}`)).body
      expect(otherItem.itemId).not.toBe(itemId)
      expect(otherTruth.transactions.map((t: Json) => t.amount)).not.toEqual(
        truth.transactions.map((t) => t.amount),
      )
      // Activity after linking is deterministic too.
      await twin.control('POST', '/simulator/clock/advance', { days: 9 })
      await harness.control('POST', '/simulator/clock/advance', { days: 9 })
      const later = (await harness.control('GET', `/simulator/items/${itemId}`)).body
      const twinLater = (await twin.control('GET', `/simulator/items/${itemId}`)).body
      expect(twinLater.transactions).toEqual(later.transactions)
      expect(twinLater.accounts).toEqual(later.accounts)
    } finally {
      await twin.stop()
      await other.stop()
    }
  })
})

describe('control API', () => {
  let harness: SimulatorHarness
  beforeAll(async () => {
    harness = await startHarness({ now: () => FIXED_NOW })
  })
  afterAll(() => harness.stop())

  test('requires the simulator credentials as headers', async () => {
    const anonymous = await fetch(`${harness.simulator.url}/simulator/state`)
    expect(anonymous.status).toBe(400)
    expect((await anonymous.json()).error_code).toBe('INVALID_API_KEYS')
    expect((await harness.control('GET', '/simulator/state')).status).toBe(200)
    expect((await fetch(`${harness.simulator.url}/simulator/health`)).status).toBe(200)
  })

  test('added, modified and removed transactions show in the truth, in sync, and in balances', async () => {
    const { accessToken, itemId } = await harness.linkItem()
    const before: Truth = (await harness.control('GET', `/simulator/items/${itemId}`)).body
    const openings = impliedOpenings(before)
    const checking = before.accounts[0]
    const cursor = await (async () => {
      let next = ''
      for (;;) {
        const { data } = await harness.client.transactionsSync({
          access_token: accessToken,
          cursor: next,
          count: 500,
        })
        next = data.next_cursor
        if (!data.has_more) return next
      }
    })()

    const added = await harness.control('POST', `/simulator/items/${itemId}/transactions`, {
      account_id: checking.account_id,
      amount: 42.5,
      name: 'Farmers Market',
      merchant_name: 'Farmers Market',
      category: 'FOOD_AND_DRINK_GROCERIES',
      payment_channel: 'in store',
      date: '2026-03-14',
    })
    expect(added.status).toBe(200)
    const id = added.body.transaction.transaction_id
    const target = before.transactions.find((t) => !t.pending && t.account_id === checking.account_id)
    const modified = await harness.control(
      'PATCH',
      `/simulator/items/${itemId}/transactions/${target.transaction_id}`,
      {
        amount: target.amount + 1.25,
        name: 'Renamed by the bank',
      },
    )
    expect(modified.body.transaction).toMatchObject({
      name: 'Renamed by the bank',
      amount: target.amount + 1.25,
    })
    const victim = before.transactions.find(
      (t) => !t.pending && t.account_id === before.accounts[2].account_id,
    )
    expect(
      (await harness.control('DELETE', `/simulator/items/${itemId}/transactions/${victim.transaction_id}`))
        .status,
    ).toBe(200)

    const { data } = await harness.client.transactionsSync({ access_token: accessToken, cursor, count: 500 })
    expect(data.added.map((t) => t.transaction_id)).toEqual([id])
    expect(data.modified.map((t) => [t.transaction_id, t.name])).toEqual([
      [target.transaction_id, 'Renamed by the bank'],
    ])
    expect(data.removed).toEqual([{ transaction_id: victim.transaction_id, account_id: victim.account_id }])

    const after: Truth = (await harness.control('GET', `/simulator/items/${itemId}`)).body
    expect(after.total_transactions).toBe(before.total_transactions)
    expect(cents(after.accounts[0].balances.current)).toBe(cents(checking.balances.current) - 4250 - 125)
    expect(impliedOpenings(after)).toEqual(openings)
    expectAvailableConsistent(after)
  })

  test('a pending transaction can be posted on demand; balances move from available to current', async () => {
    const { accessToken, itemId } = await harness.linkItem()
    const before: Truth = (await harness.control('GET', `/simulator/items/${itemId}`)).body
    const checking = before.accounts[0]
    const pending = await harness.control('POST', `/simulator/items/${itemId}/transactions`, {
      account_id: checking.account_id,
      amount: 20,
      name: 'Pending Coffee',
      pending: true,
    })
    const mid: Truth = (await harness.control('GET', `/simulator/items/${itemId}`)).body
    expect(mid.accounts[0].balances.current).toBe(checking.balances.current)
    expect(cents(mid.accounts[0].balances.available)).toBe(cents(checking.balances.available) - 2000)
    const posted = await harness.control(
      'POST',
      `/simulator/items/${itemId}/transactions/${pending.body.transaction.transaction_id}/post`,
    )
    expect(posted.body.transaction).toMatchObject({
      pending: false,
      pending_transaction_id: pending.body.transaction.transaction_id,
    })
    const after: Truth = (await harness.control('GET', `/simulator/items/${itemId}`)).body
    expect(cents(after.accounts[0].balances.current)).toBe(cents(checking.balances.current) - 2000)
    expect(impliedOpenings(after)).toEqual(impliedOpenings(before))
    const { data } = await harness.client.accountsBalanceGet({ access_token: accessToken })
    expect(data.accounts[0]?.balances.current).toBe(after.accounts[0].balances.current)
  })

  test('advancing the clock keeps balances consistent with the transactions', async () => {
    const { itemId } = await harness.linkItem()
    const before: Truth = (await harness.control('GET', `/simulator/items/${itemId}`)).body
    const advanced = await harness.control('POST', '/simulator/clock/advance', { days: 20 })
    expect(advanced.body.changed_transactions).toBeGreaterThan(20)
    const after: Truth = (await harness.control('GET', `/simulator/items/${itemId}`)).body
    expect(after.version).toBeGreaterThan(before.version)
    expect(impliedOpenings(after)).toEqual(impliedOpenings(before))
    expectAvailableConsistent(after)
  })

  test('error states: set one, data calls fail with it, clear it', async () => {
    const { accessToken, itemId } = await harness.linkItem()
    const set = await harness.control('POST', `/simulator/items/${itemId}/error`, {
      error_code: 'INSTITUTION_DOWN',
    })
    expect(set.body.item.error.error_code).toBe('INSTITUTION_DOWN')
    expect(
      (await plaidFailure(harness.client.accountsGet({ access_token: accessToken }))).data.error_code,
    ).toBe('INSTITUTION_DOWN')
    await harness.control('DELETE', `/simulator/items/${itemId}/error`)
    expect((await harness.client.accountsGet({ access_token: accessToken })).status).toBe(200)
    const unknown = await harness.control('POST', `/simulator/items/${itemId}/error`, {
      error_code: 'NOT_A_CODE',
    })
    expect(unknown.body.error_code).toBe('INVALID_FIELD')
  })

  test('bad input to the control API is rejected with Plaid-style errors', async () => {
    const { itemId } = await harness.linkItem()
    const missing = await harness.control('POST', `/simulator/items/${itemId}/transactions`, { amount: 1 })
    expect(missing.body.error_code).toBe('MISSING_FIELDS')
    const state = (await harness.control('GET', `/simulator/items/${itemId}`)).body
    const account = state.accounts[0].account_id
    for (const body of [
      { account_id: account, amount: 1.005, name: 'x' },
      { account_id: account, amount: 1, name: 'x', date: '2026-02-30' },
      { account_id: account, amount: 1, name: 'x', category: 'NOT_A_CATEGORY' },
      { account_id: 'nope', amount: 1, name: 'x' },
    ]) {
      const rejected = await harness.control('POST', `/simulator/items/${itemId}/transactions`, body)
      expect(rejected.status).toBe(400)
    }
    expect((await harness.control('GET', '/simulator/items/unknown-item')).status).toBe(404)
    expect((await harness.control('POST', '/simulator/clock/advance', { days: -1 })).body.error_code).toBe(
      'INVALID_FIELD',
    )
    expect((await harness.control('GET', '/simulator/clock/advance')).status).toBe(405)
  })

  test('the size knob creates items with exactly the requested number of transactions', async () => {
    await harness.control('PUT', '/simulator/settings', { transactions_per_item: 2500 })
    try {
      const created = await harness.client.sandboxPublicTokenCreate({
        institution_id: 'ins_109511',
        initial_products: [Products.Transactions],
      })
      const { data } = await harness.client.itemPublicTokenExchange({
        public_token: created.data.public_token,
      })
      const truth: Truth = (await harness.control('GET', `/simulator/items/${data.item_id}`)).body
      expect(truth.total_transactions).toBe(2500)
      expectAvailableConsistent(truth)
    } finally {
      await harness.control('PUT', '/simulator/settings', { transactions_per_item: null })
    }
  })
})
