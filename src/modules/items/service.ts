import { type CountryCode, type PlaidApi, Products } from 'plaid'
import type { Config } from '../../config/index.ts'
import type { Sql } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import type { ClientInfo } from '../../http/client.ts'
import type { JobQueue } from '../../jobs/queue.ts'
import type { Logger } from '../../logger.ts'
import { plaidErrorOf } from '../../plaid/errors.ts'
import { itemKey, queueSync } from '../../plaid/jobs.ts'
import { accountRowOf, upsertAccountRows } from '../../plaid/sync.ts'
import type { TokenCipher } from '../../plaid/token-crypto.ts'
import { recordAudit } from '../audit/service.ts'

export interface ItemsDeps {
  sql: Sql
  config: Config
  plaid: PlaidApi
  cipher: TokenCipher
  queue: JobQueue
  logger: Logger
  now: () => Date
  /** Wakes this process's worker after a job is queued. */
  notifyWorker: () => void
}

/** A manual "sync now" at most this often per item: syncs cost Plaid calls. */
export const MANUAL_SYNC_MIN_INTERVAL_MS = 60_000

const itemNotFound = () =>
  new AppError('not_found', 'ITEM_NOT_FOUND', 'You have no linked bank with this id.')

/** Plaid failed in a way the person cannot fix by retrying the same request. */
function upstream(error: unknown, what: string): AppError {
  const plaidError = plaidErrorOf(error)
  return new AppError(
    'upstream',
    'PLAID_ERROR',
    `Plaid could not ${what}${plaidError ? ` (${plaidError.error_code})` : ''}. Try again in a moment.`,
  )
}

async function ownedItem(deps: ItemsDeps, userId: string, itemId: string) {
  const [item] = await deps.sql<
    { id: string; accessTokenEncrypted: string; plaidItemId: string; institutionName: string }[]
  >`
    select id, access_token_encrypted as "accessTokenEncrypted", plaid_item_id as "plaidItemId",
           institution_name as "institutionName"
    from items where id = ${itemId} and user_id = ${userId}`
  if (!item) throw itemNotFound()
  return item
}

/**
 * A Link token for connecting a bank, or with `itemId` one in update mode (re-login for an item that
 * needs it). `client_user_id` is Tally's user id, never the email: Plaid gets no personal data.
 */
export async function createLinkToken(deps: ItemsDeps, userId: string, itemId?: string) {
  const { config } = deps
  const common = {
    client_name: config.PLAID_CLIENT_NAME,
    country_codes: config.PLAID_COUNTRY_CODES as CountryCode[],
    language: config.PLAID_LANGUAGE,
    user: { client_user_id: userId },
    webhook: new URL('/api/webhooks/plaid', config.PUBLIC_URL).toString(),
  }
  try {
    if (itemId) {
      const item = await ownedItem(deps, userId, itemId)
      const { data } = await deps.plaid.linkTokenCreate({
        ...common,
        access_token: deps.cipher.decrypt(item.accessTokenEncrypted, item.id),
      })
      return { linkToken: data.link_token, expiration: data.expiration, mode: 'update' as const }
    }
    const { data } = await deps.plaid.linkTokenCreate({
      ...common,
      products: [Products.Transactions],
      transactions: { days_requested: 730 },
    })
    return { linkToken: data.link_token, expiration: data.expiration, mode: 'create' as const }
  } catch (error) {
    if (error instanceof AppError) throw error
    throw upstream(error, 'start Link')
  }
}

/**
 * Exchanges Link's public token and stores the item, its institution and accounts, then queues the
 * first sync. A second link to the same institution is refused AND removed at Plaid, so nothing is
 * left orphaned (and billed) there.
 */
export async function linkItem(
  deps: ItemsDeps,
  userId: string,
  input: { publicToken: string; institutionId: string },
  client: ClientInfo,
) {
  const { sql, plaid, config } = deps
  let exchange: { access_token: string; item_id: string }
  try {
    exchange = (await plaid.itemPublicTokenExchange({ public_token: input.publicToken })).data
  } catch (error) {
    const plaidError = plaidErrorOf(error)
    if (plaidError?.error_code === 'INVALID_PUBLIC_TOKEN')
      throw new AppError(
        'invalid',
        'INVALID_PUBLIC_TOKEN',
        'The bank connection expired or was already used; connect again.',
        {
          errors: [{ in: 'body', path: '/publicToken', message: 'is invalid, expired or already used' }],
        },
      )
    throw upstream(error, 'finish linking the bank')
  }
  const accessToken = exchange.access_token
  const removeAtPlaid = async () => {
    await plaid.itemRemove({ access_token: accessToken }).catch((error) => {
      deps.logger.error(
        { err: plaidErrorOf(error) ?? String(error), plaidItemId: exchange.item_id },
        'could not remove an unwanted item at Plaid',
      )
    })
  }

  try {
    const [item, institution, accounts] = await Promise.all([
      plaid.itemGet({ access_token: accessToken }).then((r) => r.data.item),
      plaid
        .institutionsGetById({
          institution_id: input.institutionId,
          country_codes: config.PLAID_COUNTRY_CODES as CountryCode[],
        })
        .then((r) => r.data.institution),
      plaid.accountsGet({ access_token: accessToken }).then((r) => r.data.accounts),
    ])
    // Plaid's own record of the institution wins over what the browser claims.
    const institutionId = item.institution_id ?? institution.institution_id
    const id = crypto.randomUUID()
    const now = deps.now()
    const created = await sql.begin(async (tx) => {
      const [row] = await tx<{ id: string; createdAt: Date }[]>`
        insert into items (id, user_id, plaid_item_id, institution_id, institution_name, access_token_encrypted, created_at, updated_at)
        values (${id}, ${userId}, ${exchange.item_id}, ${institutionId}, ${institution.name},
                ${deps.cipher.encrypt(accessToken, id)}, ${now}, ${now})
        on conflict (user_id, institution_id) do nothing
        returning id, created_at as "createdAt"`
      if (!row) return null
      await upsertAccountRows(tx, userId, id, accounts.map(accountRowOf), now)
      await recordAudit(tx, {
        userId,
        event: 'bank_linked',
        client,
        details: { itemId: id, institution: institution.name },
        at: now,
      })
      return row
    })
    if (!created) {
      await removeAtPlaid()
      throw new AppError(
        'conflict',
        'ITEM_DUPLICATE',
        `${institution.name} is already connected. Reconnect it instead of linking it again.`,
      )
    }
    await queueSync(deps.queue, id, 'linked')
    deps.notifyWorker()
    return (await listItems(deps.sql, userId)).find((i) => i.id === id) as ItemSummary
  } catch (error) {
    if (error instanceof AppError) throw error
    // Nothing of ours refers to the new item: remove it at Plaid rather than leave it orphaned.
    await removeAtPlaid()
    throw upstream(error, 'finish linking the bank')
  }
}

export interface ItemSummary {
  id: string
  institutionId: string
  institutionName: string
  status: 'healthy' | 'login_required' | 'pending_expiration' | 'pending_disconnect' | 'revoked' | 'error'
  errorCode: string | null
  consentExpiresAt: Date | null
  lastSyncedAt: Date | null
  lastSyncError: string | null
  accountsCount: number
  createdAt: Date
}

export function listItems(sql: Sql, userId: string): Promise<ItemSummary[]> {
  return sql<ItemSummary[]>`
    select i.id, i.institution_id as "institutionId", i.institution_name as "institutionName", i.status,
           i.error_code as "errorCode", i.consent_expires_at as "consentExpiresAt", i.last_synced_at as "lastSyncedAt",
           i.last_sync_error as "lastSyncError", i.created_at as "createdAt",
           (select count(*)::int from accounts a where a.item_id = i.id) as "accountsCount"
    from items i where i.user_id = ${userId}
    order by i.institution_name, i.id`
}

/**
 * Removes the item at Plaid (so Plaid stops billing and holding the data), then deletes everything
 * of it here in one transaction. An item Plaid no longer knows is deleted here all the same.
 */
export async function deleteItem(
  deps: ItemsDeps,
  userId: string,
  itemId: string,
  client: ClientInfo,
): Promise<void> {
  const item = await ownedItem(deps, userId, itemId)
  await removeAtPlaid(deps, item)
  await deps.sql.begin(async (tx) => {
    await tx`delete from items where id = ${item.id} and user_id = ${userId}`
    await tx`delete from jobs where key = ${itemKey(item.id)} and status = 'queued'`
    await recordAudit(tx, {
      userId,
      event: 'bank_removed',
      client,
      details: { itemId: item.id, institution: item.institutionName },
      at: deps.now(),
    })
  })
}

async function removeAtPlaid(deps: ItemsDeps, item: { id: string; accessTokenEncrypted: string }) {
  try {
    await deps.plaid.itemRemove({ access_token: deps.cipher.decrypt(item.accessTokenEncrypted, item.id) })
  } catch (error) {
    const code = plaidErrorOf(error)?.error_code
    if (code !== 'ITEM_NOT_FOUND' && code !== 'INVALID_ACCESS_TOKEN') throw upstream(error, 'remove the bank')
  }
}

/** Before a user is deleted: their items are removed at Plaid too (the rows go with the user). */
export async function removeAllItemsAtPlaid(deps: ItemsDeps, userId: string): Promise<void> {
  const items = await deps.sql<{ id: string; accessTokenEncrypted: string }[]>`
    select id, access_token_encrypted as "accessTokenEncrypted" from items where user_id = ${userId}`
  for (const item of items) await removeAtPlaid(deps, item)
}

/** "Sync now": queues a sync unless one was requested by hand for this item in the last minute. */
export async function requestSync(
  deps: ItemsDeps,
  userId: string,
  itemId: string,
): Promise<{ queued: boolean }> {
  await ownedItem(deps, userId, itemId)
  const now = deps.now()
  const allowedBefore = new Date(now.getTime() - MANUAL_SYNC_MIN_INTERVAL_MS)
  // One conditional update: two clicks at once, even on two replicas, cannot both pass.
  const [claimed] = await deps.sql`
    update items set manual_sync_requested_at = ${now}
    where id = ${itemId} and user_id = ${userId}
      and (manual_sync_requested_at is null or manual_sync_requested_at <= ${allowedBefore})
    returning id`
  if (!claimed) {
    const [row] = await deps.sql<
      { at: Date }[]
    >`select manual_sync_requested_at as at from items where id = ${itemId}`
    const seconds = Math.max(
      1,
      Math.ceil(((row?.at.getTime() ?? 0) + MANUAL_SYNC_MIN_INTERVAL_MS - now.getTime()) / 1000),
    )
    throw new AppError(
      'rate_limited',
      'SYNC_RATE_LIMITED',
      `A sync was requested moments ago; try again in ${seconds} seconds.`,
      {
        headers: { 'retry-after': String(seconds) },
      },
    )
  }
  await queueSync(deps.queue, itemId, 'manual')
  deps.notifyWorker()
  return { queued: true }
}

/**
 * After Link's update mode succeeds: asks Plaid whether the item is healthy again and, if so, resumes
 * syncing at once instead of waiting for the LOGIN_REPAIRED webhook (which may come late or never).
 */
export async function confirmReconnected(
  deps: ItemsDeps,
  userId: string,
  itemId: string,
): Promise<ItemSummary> {
  const item = await ownedItem(deps, userId, itemId)
  let errorCode: string | null
  try {
    const { data } = await deps.plaid.itemGet({
      access_token: deps.cipher.decrypt(item.accessTokenEncrypted, item.id),
    })
    errorCode = data.item.error?.error_code ?? null
  } catch (error) {
    errorCode = plaidErrorOf(error)?.error_code ?? null
    if (!errorCode) throw upstream(error, 'check the bank connection')
  }
  if (errorCode)
    throw new AppError(
      'conflict',
      'ITEM_STILL_BROKEN',
      `The bank still reports ${errorCode}; reconnect again.`,
    )
  await deps.sql`
    update items set status = 'healthy', error_code = null, updated_at = ${deps.now()}
    where id = ${item.id} and status in ('login_required', 'pending_expiration', 'pending_disconnect', 'error')`
  await queueSync(deps.queue, item.id, 'relinked')
  deps.notifyWorker()
  return (await listItems(deps.sql, userId)).find((i) => i.id === item.id) as ItemSummary
}
