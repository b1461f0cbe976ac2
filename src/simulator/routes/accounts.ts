import { Type } from '@sinclair/typebox'
import type { AccountsGetResponse } from 'plaid'
import type { SimulatorCore } from '../core.ts'
import { plaidError } from '../errors.ts'
import { presentAccount, presentItem } from '../present.ts'
import { LenientObject, NonEmptyString, Nullable, plaidRequest } from '../validation.ts'
import { defineRoute, type Reply } from './route.ts'

const AccountsRequest = plaidRequest({
  access_token: NonEmptyString(),
  options: Type.Optional(
    LenientObject({
      account_ids: Type.Optional(Type.Array(Type.String())),
      min_last_updated_datetime: Type.Optional(Nullable(Type.String())),
    }),
  ),
})

function accountsReply(
  core: SimulatorCore,
  accessToken: string,
  accountIds?: readonly string[],
): Reply<AccountsGetResponse> {
  const item = core.itemForAccessToken(accessToken)
  core.requireHealthy(item)
  let accounts = item.accounts
  if (accountIds) {
    const unknown = accountIds.filter((id) => !accounts.some((account) => account.id === id))
    if (unknown.length > 0)
      throw plaidError(
        'INVALID_ACCOUNT_ID',
        `one or more of the account IDs is invalid: ${unknown.join(', ')}`,
      )
    accounts = accounts.filter((account) => accountIds.includes(account.id))
  }
  return { accounts: accounts.map(presentAccount), item: presentItem(item) }
}

export const accountsGet = defineRoute({
  path: '/accounts/get',
  schema: AccountsRequest,
  rateLimitCode: 'ACCOUNTS_LIMIT',
  handle: ({ core }, body) => accountsReply(core, body.access_token, body.options?.account_ids),
})

/** Balances are computed from the ledger on every call, which is exactly Plaid's "real-time" promise. */
export const accountsBalanceGet = defineRoute({
  path: '/accounts/balance/get',
  schema: AccountsRequest,
  rateLimitCode: 'BALANCE_LIMIT',
  handle: ({ core }, body) => accountsReply(core, body.access_token, body.options?.account_ids),
})
