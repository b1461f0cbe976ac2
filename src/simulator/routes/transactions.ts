import { Type } from '@sinclair/typebox'
import {
  type TransactionsRefreshResponse,
  type TransactionsSyncResponse,
  TransactionsUpdateStatus,
} from 'plaid'
import { refreshItem } from '../activity.ts'
import { plaidError } from '../errors.ts'
import { presentAccount, presentRemoved, presentTransaction } from '../present.ts'
import { syncPage } from '../sync.ts'
import { LenientObject, NonEmptyString, Nullable, plaidRequest } from '../validation.ts'
import { defineRoute, type Reply } from './route.ts'

export const SYNC_DEFAULT_COUNT = 100
export const SYNC_MAX_COUNT = 500

export const transactionsSync = defineRoute({
  path: '/transactions/sync',
  schema: plaidRequest({
    access_token: NonEmptyString(),
    cursor: Type.Optional(Nullable(Type.String())),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: SYNC_MAX_COUNT })),
    options: Type.Optional(
      LenientObject({
        include_original_description: Type.Optional(Nullable(Type.Boolean())),
        include_personal_finance_category: Type.Optional(Type.Boolean()),
        account_id: Type.Optional(Type.String()),
        days_requested: Type.Optional(Type.Integer({ minimum: 1, maximum: 730 })),
      }),
    ),
  }),
  rateLimitCode: 'TRANSACTIONS_SYNC_LIMIT',
  handle({ core, faults }, body): Reply<TransactionsSyncResponse> {
    const item = core.itemForAccessToken(body.access_token)
    core.requireHealthy(item)
    const accountId = body.options?.account_id
    const account =
      accountId === undefined ? undefined : item.accounts.find((candidate) => candidate.id === accountId)
    if (accountId !== undefined && !account)
      throw plaidError('INVALID_ACCOUNT_ID', 'options.account_id is not an account of this item')
    const page = syncPage(item.ledger, core.cursors, item.serial, {
      cursor: body.cursor,
      count: body.count ?? SYNC_DEFAULT_COUNT,
      accountIndex: account?.index ?? -1,
      forceMutationError: faults.mutationDuringPagination,
    })
    const view = { includeOriginalDescription: body.options?.include_original_description ?? false }
    const accounts = account ? [account] : item.accounts
    return {
      transactions_update_status: TransactionsUpdateStatus.HistoricalUpdateComplete,
      accounts: accounts.map(presentAccount),
      added: page.added.map((record) => presentTransaction(item, record, view)),
      modified: page.modified.map((record) => presentTransaction(item, record, view)),
      removed: page.removed.map((record) => presentRemoved(item, record)),
      next_cursor: page.nextCursor,
      has_more: page.hasMore,
    }
  },
})

export const transactionsRefresh = defineRoute({
  path: '/transactions/refresh',
  schema: plaidRequest({ access_token: NonEmptyString() }),
  rateLimitCode: 'TRANSACTIONS_LIMIT',
  handle({ core }, body): Reply<TransactionsRefreshResponse> {
    const item = core.itemForAccessToken(body.access_token)
    core.requireHealthy(item)
    if (refreshItem(item, core.clock.today()) > 0) core.notifyTransactions(item)
    return {}
  },
})
