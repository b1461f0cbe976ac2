import { accountsBalanceGet, accountsGet } from './accounts.ts'
import { institutionsGetById, institutionsSearch } from './institutions.ts'
import { itemGet, itemRemove, itemWebhookUpdate } from './items.ts'
import { linkTokenCreate, publicTokenExchange } from './link-tokens.ts'
import type { PlaidRoute } from './route.ts'
import { sandboxFireWebhook, sandboxPublicTokenCreate, sandboxResetLogin } from './sandbox.ts'
import { transactionsRefresh, transactionsSync } from './transactions.ts'
import { webhookVerificationKeyGet } from './webhook-key.ts'

/** Every Plaid endpoint the simulator serves, by path. */
export const PLAID_ROUTES: ReadonlyMap<string, PlaidRoute> = new Map(
  [
    linkTokenCreate,
    publicTokenExchange,
    accountsGet,
    accountsBalanceGet,
    transactionsSync,
    transactionsRefresh,
    itemGet,
    itemRemove,
    itemWebhookUpdate,
    institutionsGetById,
    institutionsSearch,
    webhookVerificationKeyGet,
    sandboxPublicTokenCreate,
    sandboxFireWebhook,
    sandboxResetLogin,
  ].map((route) => [route.path, route]),
)
