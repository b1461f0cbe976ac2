import type postgres from 'postgres'
import type { Queryable } from '../../db/index.ts'
import { AppError, type FieldError } from '../../errors.ts'
import type { TransactionFilterQuery } from './model.ts'

/** Filters after validation: `q` trimmed, the rest as given. */
export interface TransactionFilters {
  accountId?: string
  from?: string
  to?: string
  q?: string
  category?: string
  minAmount?: string
  maxAmount?: string
  pending?: boolean
}

/**
 * What a schema can't say: ranges must not be reversed, and `q` must have something left after
 * trimming. Every problem is reported at once, as 422 VALIDATION_FAILED.
 */
export function validateFilters(query: TransactionFilterQuery): TransactionFilters {
  const errors: FieldError[] = []
  if (query.from && query.to && query.from > query.to)
    errors.push({ in: 'query', path: '/from', message: 'Must not be after to' })
  if (
    query.minAmount !== undefined &&
    query.maxAmount !== undefined &&
    cents(query.minAmount) > cents(query.maxAmount)
  )
    errors.push({ in: 'query', path: '/minAmount', message: 'Must not be greater than maxAmount' })
  const q = query.q?.trim()
  if (q === '') errors.push({ in: 'query', path: '/q', message: 'Must contain a non-space character' })
  if (errors.length > 0)
    throw new AppError('invalid', 'VALIDATION_FAILED', 'The request is invalid; see errors for each field.', {
      errors,
    })
  const { q: _raw, ...rest } = query
  return q ? { ...rest, q } : rest
}

/** Exact, unlike Number(): 16 significant digits are beyond a double's precision. */
function cents(decimal: string): bigint {
  const [whole = '0', fraction = ''] = decimal.replace('-', '').split('.')
  const value = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'))
  return decimal.startsWith('-') ? -value : value
}

/** `%`, `_` and the escape character itself match literally: `q` is text, not a LIKE pattern. */
export const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/**
 * The WHERE condition (on `transactions t`) for the user's transactions matching the filters; the list
 * and the CSV export both use it. The search expression is exactly the one transactions_search_idx is
 * built on, so the trigram index can serve `q`.
 */
export function filterCondition(
  sql: Queryable,
  userId: string,
  filters: TransactionFilters,
): postgres.Fragment {
  const clauses: postgres.Fragment[] = [sql`t.user_id = ${userId}`]
  if (filters.accountId !== undefined) clauses.push(sql`t.account_id = ${filters.accountId}`)
  if (filters.from !== undefined) clauses.push(sql`t.date >= ${filters.from}::date`)
  if (filters.to !== undefined) clauses.push(sql`t.date <= ${filters.to}::date`)
  if (filters.q !== undefined)
    clauses.push(sql`(t.name || ' ' || coalesce(t.merchant_name, '')) ilike ${likePattern(filters.q)}`)
  if (filters.category !== undefined) clauses.push(sql`t.category_primary = ${filters.category}`)
  if (filters.minAmount !== undefined) clauses.push(sql`t.amount >= ${filters.minAmount}::numeric`)
  if (filters.maxAmount !== undefined) clauses.push(sql`t.amount <= ${filters.maxAmount}::numeric`)
  if (filters.pending !== undefined) clauses.push(sql`t.pending = ${filters.pending}`)
  return clauses.reduce((all, clause) => sql`${all} and ${clause}`)
}
