import { t } from 'elysia'
import { Money } from '../accounts/model.ts'
import { IsoDate } from '../transactions/model.ts'

export const SpendingQuery = t.Object({
  months: t.Optional(
    t.Integer({
      minimum: 1,
      maximum: 24,
      default: 6,
      description: 'Calendar months (UTC), this one included',
    }),
  ),
})

const CategorySpending = t.Object({
  category: t.String({
    description: "Plaid's primary category, or UNCATEGORIZED",
    examples: ['FOOD_AND_DRINK'],
  }),
  spending: Money,
})

const Totals = t.Object({
  income: { ...Money, description: 'Money in categorised INCOME' },
  spending: { ...Money, description: 'Money out, net of refunds, transfers excluded' },
  categories: t.Array(CategorySpending, { description: 'Every category of the window, largest first' }),
})

export const SpendingReport = t.Object({
  months: t.Integer(),
  from: t.String({ description: 'First month, YYYY-MM' }),
  to: t.String({ description: 'Last month (the current one), YYYY-MM' }),
  series: t.Array(
    t.Object({
      currency: t.Nullable(t.String({ examples: ['USD'] })),
      total: Totals,
      months: t.Array(t.Composite([t.Object({ month: t.String({ description: 'YYYY-MM' }) }), Totals])),
    }),
    { description: 'One per currency: amounts in different currencies are never added' },
  ),
})
export type SpendingReport = typeof SpendingReport.static

export const NetWorthQuery = t.Object({
  interval: t.Optional(t.UnionEnum(['day', 'week', 'month'], { default: 'day' })),
  from: t.Optional({ ...IsoDate, description: 'First day (default: 90 days, 26 weeks or 12 months back)' }),
  to: t.Optional({ ...IsoDate, description: 'Last day (default: today, UTC)' }),
})

export const NetWorthSeries = t.Object({
  interval: t.UnionEnum(['day', 'week', 'month']),
  from: t.String(),
  to: t.String(),
  series: t.Array(
    t.Object({
      currency: t.Nullable(t.String({ examples: ['USD'] })),
      points: t.Array(
        t.Object({
          date: t.String({ description: 'As of the end of this day: the last day of the period, or to' }),
          assets: { ...Money, description: 'Depository and investment balances' },
          liabilities: { ...Money, description: 'Credit and loan balances owed' },
          netWorth: Money,
          accounts: t.Integer({ description: 'Accounts with a known balance on this date' }),
        }),
      ),
    }),
    { description: 'One per currency: amounts in different currencies are never added' },
  ),
})
export type NetWorthSeries = typeof NetWorthSeries.static
