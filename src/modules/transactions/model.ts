import { t } from 'elysia'
import { PageQuery } from '../../http/pagination.ts'
import { Uuid } from '../../http/schemas.ts'
import { Money } from '../accounts/model.ts'
import { PRIMARY_CATEGORIES } from './categories.ts'

export const IsoDate = t.String({ format: 'date', description: 'YYYY-MM-DD', examples: ['2025-06-30'] })

/** At most 14 integer digits and 2 decimals: what numeric(16, 2) holds. */
const AmountBound = t.String({
  pattern: '^-?\\d{1,14}(\\.\\d{1,2})?$',
  description: "A decimal in Plaid's sign (positive = money out), e.g. 25 or -100.50",
  examples: ['25.00'],
})

/** The filters the list and the CSV export share. */
export const TransactionFilterQuery = t.Object({
  accountId: t.Optional(Uuid),
  from: t.Optional({ ...IsoDate, description: 'First date included (YYYY-MM-DD)' }),
  to: t.Optional({ ...IsoDate, description: 'Last date included (YYYY-MM-DD)' }),
  q: t.Optional(
    t.String({
      minLength: 1,
      maxLength: 100,
      pattern: '\\S',
      description: 'Text in the name or merchant, case-insensitive; trimmed',
    }),
  ),
  // Not t.UnionEnum: Elysia gives that a default (its first value), which would filter every request.
  category: t.Optional(
    t.Union(
      PRIMARY_CATEGORIES.map((c) => t.Literal(c)),
      { description: "Plaid's primary category" },
    ),
  ),
  minAmount: t.Optional(AmountBound),
  maxAmount: t.Optional(AmountBound),
  pending: t.Optional(t.Boolean()),
})
export type TransactionFilterQuery = typeof TransactionFilterQuery.static

export const TransactionListQuery = t.Object({
  ...TransactionFilterQuery.properties,
  ...PageQuery.properties,
})

export const TransactionView = t.Object({
  id: Uuid,
  accountId: Uuid,
  accountName: t.String(),
  date: t.String({ description: 'Posting date, YYYY-MM-DD' }),
  authorizedDate: t.Nullable(t.String({ description: 'YYYY-MM-DD' })),
  amount: { ...Money, description: "Decimal string in Plaid's sign: positive = money out" },
  currency: t.Nullable(t.String()),
  name: t.String(),
  merchantName: t.Nullable(t.String()),
  category: t.Object({ primary: t.Nullable(t.String()), detailed: t.Nullable(t.String()) }),
  paymentChannel: t.Nullable(t.String({ examples: ['online', 'in store', 'other'] })),
  pending: t.Boolean(),
})
export type TransactionView = typeof TransactionView.static

export const TransactionPage = t.Object({
  transactions: t.Array(TransactionView),
  nextCursor: t.Nullable(t.String()),
})
