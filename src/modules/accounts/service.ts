import type { Queryable } from '../../db/index.ts'
import type { AccountView } from './model.ts'

interface AccountRow {
  id: string
  itemId: string
  institutionId: string
  institutionName: string
  itemStatus: string
  name: string
  officialName: string | null
  mask: string | null
  type: string
  subtype: string | null
  currency: string | null
  current: string | null
  available: string | null
  limit: string | null
  balancesUpdatedAt: Date | null
}

/**
 * The user's accounts grouped by bank, then as a balance sheet reads (cash, investments, cards,
 * loans, anything else), then by name.
 */
export async function listAccounts(sql: Queryable, userId: string): Promise<AccountView[]> {
  const rows = await sql<AccountRow[]>`
    select a.id, a.item_id as "itemId", i.institution_id as "institutionId",
           i.institution_name as "institutionName", i.status as "itemStatus",
           a.name, a.official_name as "officialName", a.mask, a.type, a.subtype, a.currency,
           a.current_balance as current, a.available_balance as available, a.credit_limit as "limit",
           a.balances_updated_at as "balancesUpdatedAt"
    from accounts a
    join items i on i.id = a.item_id and i.user_id = a.user_id
    where a.user_id = ${userId}
    order by i.institution_name, i.id,
             array_position(array['depository', 'investment', 'credit', 'loan']::text[], a.type) nulls last,
             a.name, a.id`
  return rows.map(({ institutionId, institutionName, current, available, limit, ...account }) => ({
    ...account,
    institution: { id: institutionId, name: institutionName },
    balances: { current, available, limit },
  }))
}
