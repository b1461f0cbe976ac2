import type { Queryable, Sql } from '../../db/index.ts'
import { filterCondition, type TransactionFilters } from './filters.ts'
import type { TransactionView } from './model.ts'

/** The keyset position of a row in the (date desc, id desc) order. */
export interface TransactionKey {
  date: string
  id: string
}

interface TransactionRow extends Omit<TransactionView, 'category'> {
  categoryPrimary: string | null
  categoryDetailed: string | null
}

/**
 * Up to `limit` of the user's transactions matching the filters, newest first, strictly after `after`.
 * The row comparison on (date, id) walks transactions_user_date_idx (or the per-account index) from
 * the cursor on, so every page costs the same however deep it is.
 */
export async function selectTransactions(
  sql: Sql,
  userId: string,
  filters: TransactionFilters,
  after: TransactionKey | null,
  limit: number,
): Promise<TransactionView[]> {
  const rows =
    filters.q === undefined
      ? await transactionQuery(sql, userId, filters, after, limit)
      : await sql.begin(async (tx) => {
          // postgres.js prepares statements, and after five runs Postgres may switch to a generic plan
          // that cannot see how rare the search text is: it then walks the date index filtering every
          // row (150 ms on 100k rows for a rare word instead of 7 ms through the trigram index).
          // Planning each search with its own pattern keeps the right index for rare and common words.
          await tx`set local plan_cache_mode = force_custom_plan`
          return await transactionQuery(tx, userId, filters, after, limit)
        })
  return rows.map(({ categoryPrimary, categoryDetailed, ...row }) => ({
    ...row,
    category: { primary: categoryPrimary, detailed: categoryDetailed },
  }))
}

/** The query itself, not yet run, so that tests EXPLAIN exactly what the API executes. */
export function transactionQuery(
  sql: Queryable,
  userId: string,
  filters: TransactionFilters,
  after: TransactionKey | null,
  limit: number,
) {
  return sql<TransactionRow[]>`
    select t.id, t.account_id as "accountId", a.name as "accountName",
           to_char(t.date::timestamp, 'YYYY-MM-DD') as date,
           to_char(t.authorized_date::timestamp, 'YYYY-MM-DD') as "authorizedDate",
           t.amount, t.currency, t.name, t.merchant_name as "merchantName",
           t.category_primary as "categoryPrimary", t.category_detailed as "categoryDetailed",
           t.payment_channel as "paymentChannel", t.pending
    from transactions t
    join accounts a on a.id = t.account_id
    where ${filterCondition(sql, userId, filters)}
      ${after ? sql`and (t.date, t.id) < (${after.date}::date, ${after.id}::uuid)` : sql``}
    order by t.date desc, t.id desc
    limit ${limit}`
}

export const keyOf = (row: TransactionView): TransactionKey => ({ date: row.date, id: row.id })

/** One page of the list and the key to continue after it (null on the last page). */
export async function listTransactions(
  sql: Sql,
  userId: string,
  filters: TransactionFilters,
  page: { after: TransactionKey | null; limit: number },
): Promise<{ transactions: TransactionView[]; next: TransactionKey | null }> {
  const rows = await selectTransactions(sql, userId, filters, page.after, page.limit + 1)
  const transactions = rows.slice(0, page.limit)
  const last = transactions.at(-1)
  return { transactions, next: rows.length > page.limit && last ? keyOf(last) : null }
}

/**
 * Every matching transaction, `batchSize` rows per query, fetched only as the consumer asks for them.
 * Each batch is its own short query (keyset, not a server-side cursor), so no connection or
 * transaction is held while a slow client downloads: on the embedded database's single connection
 * other requests keep being served. Rows added during an export appear at most once.
 */
export async function* transactionBatches(
  sql: Sql,
  userId: string,
  filters: TransactionFilters,
  batchSize = 1000,
): AsyncGenerator<TransactionView[], void, undefined> {
  let after: TransactionKey | null = null
  for (;;) {
    const rows = await selectTransactions(sql, userId, filters, after, batchSize)
    const last = rows.at(-1)
    if (!last) return
    yield rows
    if (rows.length < batchSize) return
    after = keyOf(last)
  }
}
