import type { Queryable } from '../../src/db/index.ts'

/**
 * Bank data written straight into the tables, as the Plaid sync would leave it, for tests of the
 * read side (accounts, transactions, insights). Every helper takes the owning user's id; the rows get
 * unique Plaid ids so helpers can be called any number of times.
 */

const unique = () => crypto.randomUUID()

export interface ItemRow {
  id: string
  userId: string
  institutionName: string
}

export async function insertItem(
  sql: Queryable,
  userId: string,
  overrides: { institutionName?: string; institutionId?: string; status?: string } = {},
): Promise<ItemRow> {
  const institutionName = overrides.institutionName ?? 'First Platypus Bank'
  const [row] = await sql<{ id: string }[]>`
    insert into items (user_id, plaid_item_id, institution_id, institution_name, access_token_encrypted, status)
    values (${userId}, ${'item-' + unique()}, ${overrides.institutionId ?? 'ins_' + unique()},
            ${institutionName}, 'v1:test:not-a-real-token', ${overrides.status ?? 'healthy'})
    returning id`
  return { id: (row as { id: string }).id, userId, institutionName }
}

export interface AccountInput {
  name?: string
  officialName?: string | null
  mask?: string | null
  type?: 'depository' | 'credit' | 'loan' | 'investment' | 'other'
  subtype?: string | null
  currency?: string | null
  current?: string | null
  available?: string | null
  limit?: string | null
  balancesUpdatedAt?: Date | null
}

export interface AccountRow {
  id: string
  itemId: string
  userId: string
  name: string
}

export async function insertAccount(
  sql: Queryable,
  item: ItemRow,
  input: AccountInput = {},
): Promise<AccountRow> {
  const name = input.name ?? 'Plaid Checking'
  const [row] = await sql<{ id: string }[]>`
    insert into accounts (user_id, item_id, plaid_account_id, name, official_name, mask, type, subtype, currency,
                          current_balance, available_balance, credit_limit, balances_updated_at)
    values (${item.userId}, ${item.id}, ${'acc-' + unique()}, ${name}, ${input.officialName ?? null},
            ${input.mask === undefined ? '0000' : input.mask}, ${input.type ?? 'depository'},
            ${input.subtype === undefined ? 'checking' : input.subtype},
            ${input.currency === undefined ? 'USD' : input.currency},
            ${input.current ?? null}, ${input.available ?? null}, ${input.limit ?? null},
            ${input.balancesUpdatedAt ?? null})
    returning id`
  return { id: (row as { id: string }).id, itemId: item.id, userId: item.userId, name }
}

export interface TransactionInput {
  /** YYYY-MM-DD */
  date: string
  /** Plaid's sign: positive is money out. A decimal string. */
  amount: string
  name?: string
  merchantName?: string | null
  categoryPrimary?: string | null
  categoryDetailed?: string | null
  pending?: boolean
  authorizedDate?: string | null
  currency?: string | null
  paymentChannel?: string | null
  id?: string
}

/** Inserts the transactions into one account; returns their ids in input order. */
export async function insertTransactions(
  sql: Queryable,
  account: AccountRow,
  inputs: readonly TransactionInput[],
): Promise<string[]> {
  if (inputs.length === 0) return []
  const rows = inputs.map((t) => ({
    id: t.id ?? unique(),
    user_id: account.userId,
    item_id: account.itemId,
    account_id: account.id,
    plaid_transaction_id: 'txn-' + unique(),
    date: t.date,
    authorized_date: t.authorizedDate ?? null,
    amount: t.amount,
    currency: t.currency === undefined ? 'USD' : t.currency,
    name: t.name ?? 'Purchase',
    merchant_name: t.merchantName ?? null,
    category_primary: t.categoryPrimary === undefined ? 'GENERAL_MERCHANDISE' : t.categoryPrimary,
    category_detailed:
      t.categoryDetailed === undefined
        ? t.categoryPrimary === undefined
          ? 'GENERAL_MERCHANDISE_OTHER_GENERAL_MERCHANDISE'
          : null
        : t.categoryDetailed,
    payment_channel: t.paymentChannel === undefined ? 'in store' : t.paymentChannel,
    pending: t.pending ?? false,
  }))
  const ids: string[] = []
  // Batches keep each statement well under Postgres's 65,535 bind parameters.
  for (let i = 0; i < rows.length; i += 2000) {
    const batch = rows.slice(i, i + 2000)
    await sql`insert into transactions ${sql(batch)}`
    ids.push(...batch.map((r) => r.id))
  }
  return ids
}

/**
 * `count` synthetic transactions spread over the `days` days ending at `lastDay`, generated inside the
 * database with generate_series (100,000 rows in seconds). Names and merchants vary so that searches
 * hit a small fraction; amounts are mostly spending with a monthly salary.
 */
export async function insertManyTransactions(
  sql: Queryable,
  accounts: readonly AccountRow[],
  options: { count: number; lastDay?: string; days?: number },
): Promise<void> {
  const first = accounts[0]
  if (!first) throw new Error('insertManyTransactions: give at least one account')
  const accountIds = accounts.map((a) => a.id)
  const itemIds = accounts.map((a) => a.itemId)
  const days = options.days ?? 730
  await sql`
    insert into transactions (user_id, item_id, account_id, plaid_transaction_id, date, authorized_date, amount,
                              currency, name, merchant_name, category_primary, category_detailed,
                              payment_channel, pending)
    select ${first.userId}::uuid,
           (${itemIds}::uuid[])[1 + g % ${accountIds.length}],
           (${accountIds}::uuid[])[1 + g % ${accountIds.length}],
           'bulk-' || gen_random_uuid(),
           ${options.lastDay ?? '2025-06-30'}::date - (g % ${days}),
           ${options.lastDay ?? '2025-06-30'}::date - (g % ${days}) - 1,
           case when g % 50 = 0 then -2500.00 else ((g * 7919) % 20000) / 100.0 + 1 end,
           'USD',
           (array['Coffee Shop', 'Grocery Market', 'Fuel Station', 'Online Store', 'Cinema'])[1 + g % 5]
             || ' #' || g,
           (array['Blue Bottle', 'Whole Foods', 'Shell', 'Amazon', 'AMC', null])[1 + g % 6],
           case when g % 50 = 0 then 'INCOME' else
             (array['FOOD_AND_DRINK', 'GENERAL_MERCHANDISE', 'TRANSPORTATION', 'ENTERTAINMENT', 'TRANSFER_OUT'])[1 + g % 5]
           end,
           null,
           'online',
           g % 97 = 0
    from generate_series(1, ${options.count}) as g`
}

export interface SnapshotInput {
  day: string
  current: string | null
  available?: string | null
  currency?: string | null
}

export async function insertSnapshots(
  sql: Queryable,
  account: AccountRow,
  inputs: readonly SnapshotInput[],
): Promise<void> {
  if (inputs.length === 0) return
  await sql`insert into balance_snapshots ${sql(
    inputs.map((s) => ({
      account_id: account.id,
      user_id: account.userId,
      day: s.day,
      current_balance: s.current,
      available_balance: s.available ?? null,
      currency: s.currency === undefined ? 'USD' : s.currency,
    })),
  )}`
}

/** A typical user's bank: one item with a checking, a savings and a credit card account. */
export async function seedBank(sql: Queryable, userId: string, institutionName = 'First Platypus Bank') {
  const item = await insertItem(sql, userId, { institutionName })
  const checking = await insertAccount(sql, item, {
    name: 'Everyday Checking',
    mask: '1111',
    current: '1200.50',
    available: '1100.50',
  })
  const savings = await insertAccount(sql, item, {
    name: 'Rainy Day Savings',
    mask: '2222',
    subtype: 'savings',
    current: '5000.00',
    available: '5000.00',
  })
  const credit = await insertAccount(sql, item, {
    name: 'Platypus Card',
    mask: '3333',
    type: 'credit',
    subtype: 'credit card',
    current: '410.25',
    available: '4589.75',
    limit: '5000.00',
  })
  return { item, checking, savings, credit }
}
