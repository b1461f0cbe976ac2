import type { AccountBase, PlaidApi, RemovedTransaction, Transaction, TransactionsSyncResponse } from 'plaid'
import type { Queryable, Sql } from '../db/index.ts'
import type { Logger } from '../logger.ts'
import { plaidErrorOf } from './errors.ts'
import type { TokenCipher } from './token-crypto.ts'

export interface SyncDeps {
  sql: Sql
  plaid: PlaidApi
  cipher: TokenCipher
  logger: Logger
  now: () => Date
}

export type SyncOutcome =
  | { status: 'synced'; pages: number; added: number; modified: number; removed: number; restarts: number }
  | { status: 'skipped'; reason: 'item_gone' | 'item_paused' | 'aborted' }
  | { status: 'item_error'; errorCode: string }

/** Plaid's page size limit: fewer round trips for a big first sync. */
const PAGE_SIZE = 500
/** Restarts after TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION before the job gives up and retries later. */
const MAX_RESTARTS = 5
/** Item states in which syncing waits for the person (re-login) or stops for good (revoked). */
const PAUSED = new Set(['login_required', 'revoked'])
/** Plaid errors that describe the item rather than this call; retrying will not help. */
const ITEM_ERRORS: Record<string, ItemErrorStatus> = {
  ITEM_LOGIN_REQUIRED: 'login_required',
  PENDING_EXPIRATION: 'login_required',
  ACCESS_NOT_GRANTED: 'login_required',
  USER_PERMISSION_REVOKED: 'revoked',
  ITEM_NOT_FOUND: 'revoked',
  INVALID_ACCESS_TOKEN: 'revoked',
  ITEM_LOCKED: 'error',
  INVALID_CREDENTIALS: 'error',
  INSUFFICIENT_CREDENTIALS: 'error',
  NO_ACCOUNTS: 'error',
  ITEM_NOT_SUPPORTED: 'error',
}

export type ItemErrorStatus = 'login_required' | 'revoked' | 'error'

/** The item status a Plaid item error puts an item in; undefined when the error is not about the item. */
export const itemStatusForError = (errorCode: string): ItemErrorStatus | undefined => ITEM_ERRORS[errorCode]

interface ItemRow {
  id: string
  userId: string
  status: string
  syncCursor: string | null
  accessTokenEncrypted: string
}

interface Fetched {
  pages: TransactionsSyncResponse[]
  accounts: AccountBase[]
  nextCursor: string
}

export class SyncAbortedError extends Error {
  override readonly name = 'SyncAbortedError'
}

/**
 * Brings one item up to date. Pages are fetched from the stored cursor until has_more is false, then
 * applied in ONE transaction together with the new cursor: the cursor only moves when the data it
 * describes is committed, so a crash at any point loses nothing and a re-run repeats harmlessly.
 * On TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION the loop starts again from the stored cursor.
 * Network, 5xx and 429 failures throw (the job retries with backoff); item problems are recorded.
 */
export async function syncItem(deps: SyncDeps, itemId: string, signal?: AbortSignal): Promise<SyncOutcome> {
  const { sql, logger } = deps
  const [item] = await sql<ItemRow[]>`
    select id, user_id as "userId", status, sync_cursor as "syncCursor", access_token_encrypted as "accessTokenEncrypted"
    from items where id = ${itemId}`
  if (!item) return { status: 'skipped', reason: 'item_gone' }
  if (PAUSED.has(item.status)) return { status: 'skipped', reason: 'item_paused' }
  const accessToken = deps.cipher.decrypt(item.accessTokenEncrypted, item.id)

  let fetched: Fetched | undefined
  let restarts = 0
  while (!fetched) {
    try {
      fetched = await fetchAllPages(deps.plaid, accessToken, item.syncCursor, signal)
    } catch (error) {
      if (error instanceof SyncAbortedError) return { status: 'skipped', reason: 'aborted' }
      const plaidError = plaidErrorOf(error)
      if (
        plaidError?.error_code === 'TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION' &&
        restarts < MAX_RESTARTS
      ) {
        restarts++
        logger.info(
          { itemId, restarts },
          'item data changed during pagination; restarting from the stored cursor',
        )
        continue
      }
      const itemStatus = plaidError ? itemStatusForError(plaidError.error_code) : undefined
      if (plaidError && itemStatus) {
        await sql`
          update items set status = ${itemStatus}, error_code = ${plaidError.error_code},
                 last_sync_error = ${plaidError.error_code}, updated_at = ${deps.now()}
          where id = ${itemId}`
        logger.warn(
          { itemId, errorCode: plaidError.error_code, itemStatus },
          'item needs attention; sync paused',
        )
        return { status: 'item_error', errorCode: plaidError.error_code }
      }
      throw error
    }
  }

  const { pages, accounts, nextCursor } = fetched
  const now = deps.now()
  const applied = await sql.begin(async (tx) => {
    // The stored cursor is re-read under a row lock: if another sync committed meanwhile (it cannot
    // while the job queue holds the item's key, but a manual run might), these pages are stale.
    const [current] = await tx<{ syncCursor: string | null }[]>`
      select sync_cursor as "syncCursor" from items where id = ${itemId} for update`
    if (!current || current.syncCursor !== item.syncCursor) return null
    await upsertAccounts(tx, item, accounts, now)
    let added = 0
    let modified = 0
    let removed = 0
    for (const page of pages) {
      added += await upsertTransactions(tx, item, page.added)
      modified += await upsertTransactions(tx, item, page.modified)
      removed += await deleteTransactions(tx, item, page.removed, page.added)
    }
    await snapshotBalances(tx, item, now)
    await tx`
      update items set sync_cursor = ${nextCursor}, last_synced_at = ${now}, last_sync_error = null,
             error_code = case when status = 'error' then null else error_code end,
             status = case when status = 'error' then 'healthy' else status end,
             updated_at = ${now}
      where id = ${itemId}`
    return { added, modified, removed }
  })
  if (!applied) return { status: 'skipped', reason: 'aborted' }
  const outcome = { status: 'synced' as const, pages: pages.length, restarts, ...applied }
  logger.info({ itemId, ...outcome }, 'item synced')
  return outcome
}

async function fetchAllPages(
  plaid: PlaidApi,
  accessToken: string,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<Fetched> {
  const pages: TransactionsSyncResponse[] = []
  let next = cursor ?? ''
  for (;;) {
    if (signal?.aborted) throw new SyncAbortedError('sync stopped')
    const { data } = await plaid.transactionsSync({
      access_token: accessToken,
      ...(next ? { cursor: next } : {}),
      count: PAGE_SIZE,
    })
    pages.push(data)
    next = data.next_cursor
    if (!data.has_more) return { pages, accounts: data.accounts, nextCursor: next }
  }
}

async function upsertAccounts(tx: Queryable, item: ItemRow, accounts: AccountBase[], now: Date) {
  if (accounts.length === 0) return
  await upsertAccountRows(tx, item.userId, item.id, accounts.map(accountRowOf), now)
}

/** A Plaid account as the accounts table stores it. */
export function accountRowOf(a: AccountBase): AccountRow {
  return {
    plaid_account_id: a.account_id,
    name: a.name,
    official_name: a.official_name ?? null,
    mask: a.mask ?? null,
    type: a.type,
    subtype: a.subtype ?? null,
    currency: a.balances.iso_currency_code ?? a.balances.unofficial_currency_code ?? null,
    current_balance: a.balances.current ?? null,
    available_balance: a.balances.available ?? null,
    credit_limit: a.balances.limit ?? null,
  }
}

export interface AccountRow {
  plaid_account_id: string
  name: string
  official_name: string | null
  mask: string | null
  type: string
  subtype: string | null
  currency: string | null
  current_balance: number | null
  available_balance: number | null
  credit_limit: number | null
}

/** One statement for all of an item's accounts. A row can only ever update its own item's account. */
export async function upsertAccountRows(
  tx: Queryable,
  userId: string,
  itemId: string,
  rows: AccountRow[],
  now: Date,
) {
  await tx`
    insert into accounts (user_id, item_id, plaid_account_id, name, official_name, mask, type, subtype, currency,
                          current_balance, available_balance, credit_limit, balances_updated_at)
    select ${userId}, ${itemId}, a.plaid_account_id, a.name, a.official_name, a.mask, a.type, a.subtype, a.currency,
           a.current_balance, a.available_balance, a.credit_limit, ${now}
    from jsonb_to_recordset(${tx.json(rows as never)}::jsonb) as a(
      plaid_account_id text, name text, official_name text, mask text, type text, subtype text, currency text,
      current_balance numeric, available_balance numeric, credit_limit numeric)
    on conflict (plaid_account_id) do update set
      name = excluded.name, official_name = excluded.official_name, mask = excluded.mask, type = excluded.type,
      subtype = excluded.subtype, currency = excluded.currency, current_balance = excluded.current_balance,
      available_balance = excluded.available_balance, credit_limit = excluded.credit_limit,
      balances_updated_at = excluded.balances_updated_at
    where accounts.item_id = excluded.item_id`
}

/**
 * One statement per page, however many rows. Rows are matched to accounts of this item only; a
 * transaction whose account is unknown would be silently lost, so that aborts the whole sync instead.
 */
async function upsertTransactions(
  tx: Queryable,
  item: ItemRow,
  transactions: Transaction[],
): Promise<number> {
  if (transactions.length === 0) return 0
  const rows = transactions.map((t) => ({
    plaid_transaction_id: t.transaction_id,
    plaid_account_id: t.account_id,
    pending_transaction_id: t.pending_transaction_id ?? null,
    date: t.date,
    authorized_date: t.authorized_date ?? null,
    amount: t.amount,
    currency: t.iso_currency_code ?? t.unofficial_currency_code ?? null,
    name: t.name,
    merchant_name: t.merchant_name ?? null,
    category_primary: t.personal_finance_category?.primary ?? null,
    category_detailed: t.personal_finance_category?.detailed ?? null,
    payment_channel: t.payment_channel ?? null,
    pending: t.pending,
  }))
  const written = await tx`
    insert into transactions (user_id, item_id, account_id, plaid_transaction_id, pending_transaction_id, date,
                              authorized_date, amount, currency, name, merchant_name, category_primary,
                              category_detailed, payment_channel, pending)
    select ${item.userId}, ${item.id}, a.id, t.plaid_transaction_id, t.pending_transaction_id, t.date, t.authorized_date,
           t.amount, t.currency, t.name, t.merchant_name, t.category_primary, t.category_detailed, t.payment_channel,
           t.pending
    from jsonb_to_recordset(${tx.json(rows as never)}::jsonb) as t(
      plaid_transaction_id text, plaid_account_id text, pending_transaction_id text, date date, authorized_date date,
      amount numeric, currency text, name text, merchant_name text, category_primary text, category_detailed text,
      payment_channel text, pending boolean)
    join accounts a on a.plaid_account_id = t.plaid_account_id and a.item_id = ${item.id}
    on conflict (plaid_transaction_id) do update set
      account_id = excluded.account_id, pending_transaction_id = excluded.pending_transaction_id,
      date = excluded.date, authorized_date = excluded.authorized_date, amount = excluded.amount,
      currency = excluded.currency, name = excluded.name, merchant_name = excluded.merchant_name,
      category_primary = excluded.category_primary, category_detailed = excluded.category_detailed,
      payment_channel = excluded.payment_channel, pending = excluded.pending, updated_at = now()
    where transactions.item_id = excluded.item_id
    returning 1`
  if (written.length !== rows.length)
    throw new Error(
      `sync of item ${item.id}: ${rows.length - written.length} transaction(s) matched no known account`,
    )
  return written.length
}

/**
 * Removed transactions, and pending ones that a posted transaction replaces (Plaid removes those
 * too, but a posted transaction naming its pending one must never leave both).
 */
async function deleteTransactions(
  tx: Queryable,
  item: ItemRow,
  removed: RemovedTransaction[],
  added: Transaction[],
): Promise<number> {
  const ids = [
    ...removed.map((r) => r.transaction_id),
    ...added.flatMap((t) => (t.pending_transaction_id ? [t.pending_transaction_id] : [])),
  ]
  if (ids.length === 0) return 0
  const deleted = await tx`
    delete from transactions where item_id = ${item.id} and plaid_transaction_id in ${tx(ids)} returning 1`
  return deleted.length
}

async function snapshotBalances(tx: Queryable, item: ItemRow, now: Date) {
  const day = now.toISOString().slice(0, 10)
  await tx`
    insert into balance_snapshots (account_id, user_id, day, current_balance, available_balance, currency)
    select id, user_id, ${day}::date, current_balance, available_balance, currency from accounts where item_id = ${item.id}
    on conflict (account_id, day) do update set
      current_balance = excluded.current_balance, available_balance = excluded.available_balance,
      currency = excluded.currency`
}
