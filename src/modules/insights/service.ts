import type { Queryable } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import type { NetWorthSeries, SpendingReport } from './model.ts'

const ZERO = '0.00'
const isoDay = (date: Date) => date.toISOString().slice(0, 10)
const monthStart = (year: number, month: number) => new Date(Date.UTC(year, month, 1))

/**
 * What counts as spending and income, in one place:
 * - posted transactions only (pending ones may still change or disappear);
 * - transfers are not spending: TRANSFER_IN, TRANSFER_OUT and credit card payments
 *   (LOAN_PAYMENTS_CREDIT_CARD_PAYMENT) move money between your own accounts — the card purchases
 *   themselves are the spending;
 * - income is money in categorised INCOME (Plaid's sign flipped);
 * - spending is every other transaction, net: refunds (money in) reduce their category.
 */
export async function spendingByMonth(
  sql: Queryable,
  userId: string,
  months: number,
  now: Date,
): Promise<SpendingReport> {
  const first = monthStart(now.getUTCFullYear(), now.getUTCMonth() - (months - 1))
  const end = monthStart(now.getUTCFullYear(), now.getUTCMonth() + 1)
  const monthKeys = Array.from({ length: months }, (_, i) =>
    isoDay(monthStart(first.getUTCFullYear(), first.getUTCMonth() + i)).slice(0, 7),
  )

  const rows = await spendingQuery(sql, userId, isoDay(first), isoDay(end))
  const accountCurrencies = await sql<{ currency: string | null }[]>`
    select distinct currency from accounts where user_id = ${userId}`

  const currencies = sortCurrencies([
    ...accountCurrencies.map((r) => r.currency),
    ...rows.map((r) => r.currency),
  ])
  const series = currencies.map((currency) => {
    const mine = rows.filter((r) => r.currency === currency)
    const spendingRows = mine.filter((r) => !r.income)
    const windowCategories = spendingRows
      .filter((r) => r.month === null && r.category !== null)
      .sort(
        (a, b) =>
          compareDecimal(b.total, a.total) || (a.category as string).localeCompare(b.category as string),
      )
    const categoryOrder = windowCategories.map((r) => r.category as string)
    const totals = (month: string | null) => {
      const at = (income: boolean, category: string | null) =>
        mine.find((r) => r.income === income && r.month === month && r.category === category)?.total ?? ZERO
      return {
        income: at(true, null),
        spending: at(false, null),
        categories: categoryOrder.map((category) => ({ category, spending: at(false, category) })),
      }
    }
    return { currency, total: totals(null), months: monthKeys.map((month) => ({ month, ...totals(month) })) }
  })
  return { months, from: monthKeys[0] as string, to: monthKeys.at(-1) as string, series }
}

/** The spending query, not yet run (tests EXPLAIN it). `end` is exclusive. */
export function spendingQuery(sql: Queryable, userId: string, first: string, end: string) {
  // One pass sums each month and category; grouping sets over those few rows then give, summed by numeric: per month and category, per month, per
  // category over the window, and over the window. `month`/`category` are null on the coarser rows.
  return sql<
    {
      currency: string | null
      month: string | null
      income: boolean
      category: string | null
      total: string
    }[]
  >`
    with monthly as (
      select t.currency, date_trunc('month', t.date::timestamp) as month_start,
             coalesce(t.category_primary = 'INCOME', false) as income,
             coalesce(t.category_primary, 'UNCATEGORIZED') as category, sum(t.amount) as amount
      from transactions t
      where t.user_id = ${userId}
        and t.date >= ${first}::date and t.date < ${end}::date
        and not t.pending
        and coalesce(t.category_primary, '') not in ('TRANSFER_IN', 'TRANSFER_OUT')
        and coalesce(t.category_detailed, '') <> 'LOAN_PAYMENTS_CREDIT_CARD_PAYMENT'
      group by 1, 2, 3, 4
    )
    select currency, to_char(month_start, 'YYYY-MM') as month, income, category,
           (case when income then -sum(amount) else sum(amount) end)::numeric(20, 2) as total
    from monthly
    group by grouping sets ((currency, income, month_start, category), (currency, income, month_start),
                            (currency, income, category), (currency, income))`
}

/** Currencies alphabetically, a missing one (null) last, each once. */
function sortCurrencies(currencies: (string | null)[]): (string | null)[] {
  const unique = [...new Set(currencies)]
  return unique.sort((a, b) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b)))
}

/** Orders two decimal strings exactly (no float conversion). */
function compareDecimal(a: string, b: string): number {
  const cents = (value: string) => {
    const [whole = '0', fraction = ''] = value.replace('-', '').split('.')
    const magnitude = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2))
    return value.startsWith('-') ? -magnitude : magnitude
  }
  const difference = cents(a) - cents(b)
  return difference > 0n ? 1 : difference < 0n ? -1 : 0
}

export type Interval = 'day' | 'week' | 'month'

const MAX_POINTS = 1000
const DAY_MS = 86_400_000

/** The range asked for, or the default one for the interval; 422 when reversed or too long. */
export function netWorthRange(
  query: { interval?: Interval; from?: string; to?: string },
  now: Date,
): { interval: Interval; from: string; to: string } {
  const interval = query.interval ?? 'day'
  const to = query.to ?? isoDay(now)
  const toDate = new Date(`${to}T00:00:00Z`)
  const from =
    query.from ??
    (interval === 'day'
      ? isoDay(new Date(toDate.getTime() - 89 * DAY_MS))
      : interval === 'week'
        ? isoDay(new Date(toDate.getTime() - 25 * 7 * DAY_MS))
        : isoDay(monthStart(toDate.getUTCFullYear(), toDate.getUTCMonth() - 11)))
  const fromDate = new Date(`${from}T00:00:00Z`)
  const days = Math.round((toDate.getTime() - fromDate.getTime()) / DAY_MS)
  const points =
    interval === 'day'
      ? days + 1
      : interval === 'week'
        ? Math.floor(days / 7) + 2
        : (toDate.getUTCFullYear() - fromDate.getUTCFullYear()) * 12 +
          toDate.getUTCMonth() -
          fromDate.getUTCMonth() +
          1
  if (days < 0)
    throw new AppError('invalid', 'VALIDATION_FAILED', 'The request is invalid; see errors for each field.', {
      errors: [{ in: 'query', path: '/from', message: 'Must not be after to' }],
    })
  if (points > MAX_POINTS)
    throw new AppError('invalid', 'VALIDATION_FAILED', 'The request is invalid; see errors for each field.', {
      errors: [
        {
          in: 'query',
          path: '/from',
          message: `The range has more than ${MAX_POINTS} points; use a longer interval`,
        },
      ],
    })
  return { interval, from, to }
}

/**
 * Net worth as of the end of each period (day; ISO week ending Sunday; calendar month), the last
 * point being `to`. Each account counts with its latest snapshot on or before the point, so days
 * without a snapshot carry the last known balance forward; an account counts only from its first
 * snapshot on. Assets are depository and investment accounts, liabilities credit and loan accounts
 * (Plaid reports what is owed as a positive balance); "other" accounts are left out, their sign being
 * unknown. One series per currency, every point present (zeros before anything is known).
 */
export async function netWorthOverTime(
  sql: Queryable,
  userId: string,
  range: { interval: Interval; from: string; to: string },
): Promise<NetWorthSeries> {
  const rows = await netWorthQuery(sql, userId, range)

  const series: NetWorthSeries['series'] = []
  for (const { currency, ...point } of rows) {
    const last = series.at(-1)
    if (last && last.currency === currency) last.points.push(point)
    else series.push({ currency, points: [point] })
  }
  return { ...range, series }
}

/** The net-worth query, not yet run (tests EXPLAIN it). */
export function netWorthQuery(
  sql: Queryable,
  userId: string,
  range: { interval: Interval; from: string; to: string },
) {
  return sql<
    {
      currency: string | null
      date: string
      assets: string
      liabilities: string
      netWorth: string
      accounts: number
    }[]
  >`
    with days as (
      select ${range.from}::date + g as day from generate_series(0, ${range.to}::date - ${range.from}::date) as g
    ),
    points as (
      select distinct least(
        case ${range.interval}::text
          when 'day' then day
          when 'week' then day + (7 - extract(isodow from day)::int)
          else (date_trunc('month', day::timestamp) + interval '1 month - 1 day')::date
        end,
        ${range.to}::date) as day
      from days
    ),
    counted as (
      select a.id, a.currency, case when a.type in ('credit', 'loan') then -1 else 1 end as sign
      from accounts a
      where a.user_id = ${userId} and a.type in ('depository', 'investment', 'credit', 'loan')
    ),
    known as (
      select p.day, coalesce(s.currency, c.currency) as currency, c.sign, s.current_balance as balance
      from points p
      cross join counted c
      -- Scoped through the account (counted is the user's own); the primary key (account_id, day)
      -- answers each probe with one backward index step.
      join lateral (
        select bs.current_balance, bs.currency
        from balance_snapshots bs
        where bs.account_id = c.id and bs.day <= p.day and bs.current_balance is not null
        order by bs.day desc
        limit 1
      ) s on true
    ),
    currencies as (
      select currency from counted union select currency from known
    )
    select c.currency, to_char(p.day::timestamp, 'YYYY-MM-DD') as date,
           coalesce(sum(k.balance) filter (where k.sign = 1), 0)::numeric(20, 2) as assets,
           coalesce(sum(k.balance) filter (where k.sign = -1), 0)::numeric(20, 2) as liabilities,
           coalesce(sum(k.balance * k.sign), 0)::numeric(20, 2) as "netWorth",
           count(k.balance)::int as accounts
    from points p
    cross join currencies c
    left join known k on k.day = p.day and k.currency is not distinct from c.currency
    group by c.currency, p.day
    order by c.currency nulls last, p.day`
}
