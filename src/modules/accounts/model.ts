import { t } from 'elysia'
import { Timestamp, Uuid } from '../../http/schemas.ts'

/** A decimal string in the account's currency, e.g. "1200.50"; never a float. */
export const Money = t.String({ pattern: '^-?\\d+\\.\\d{2}$', examples: ['1200.50'] })

export const AccountView = t.Object({
  id: Uuid,
  itemId: Uuid,
  institution: t.Object({ id: t.String(), name: t.String() }),
  itemStatus: t.String({
    description: 'healthy, login_required, pending_expiration, pending_disconnect, revoked or error',
  }),
  name: t.String(),
  officialName: t.Nullable(t.String()),
  mask: t.Nullable(t.String({ description: 'Last digits of the account number' })),
  type: t.String({ examples: ['depository', 'credit', 'loan', 'investment', 'other'] }),
  subtype: t.Nullable(t.String({ examples: ['checking', 'credit card'] })),
  currency: t.Nullable(t.String({ examples: ['USD'] })),
  balances: t.Object({
    current: t.Nullable(Money),
    available: t.Nullable(Money),
    limit: t.Nullable(Money),
  }),
  balancesUpdatedAt: t.Nullable(Timestamp),
})
export type AccountView = typeof AccountView.static

export const AccountList = t.Object({ accounts: t.Array(AccountView) })
