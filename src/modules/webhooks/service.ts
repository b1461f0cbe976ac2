import type { Sql } from '../../db/index.ts'
import type { JobQueue } from '../../jobs/queue.ts'
import type { Logger } from '../../logger.ts'
import { queueSync } from '../../plaid/jobs.ts'
import { itemStatusForError } from '../../plaid/sync.ts'

export interface WebhookDeps {
  sql: Sql
  queue: JobQueue
  logger: Logger
  now: () => Date
  notifyWorker: () => void
}

/** The fields of Plaid's webhook bodies Tally reads (docs: Plaid "Item" and "Transactions" webhooks). */
export interface PlaidWebhook {
  webhook_type?: unknown
  webhook_code?: unknown
  item_id?: unknown
  error?: { error_code?: unknown } | null
  consent_expiration_time?: unknown
}

export type WebhookOutcome = 'processed' | 'replay' | 'unknown_item' | 'ignored'

const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 200) : '')

/**
 * Turns a verified webhook into item state or a queued sync, then records it. Quick by design: the
 * sync itself runs in a job. A webhook whose signed token was already recorded is a replay and is
 * acknowledged without effect. Effects come before the record, and are idempotent, so a failure in
 * between makes Plaid's redelivery redo them rather than be mistaken for a replay and lost.
 */
export async function handleWebhook(
  deps: WebhookDeps,
  webhook: PlaidWebhook,
  tokenHash: string,
): Promise<WebhookOutcome> {
  const type = text(webhook.webhook_type)
  const code = text(webhook.webhook_code)
  const plaidItemId = text(webhook.item_id) || null
  const now = deps.now()
  const log = deps.logger.child({ webhook: { type, code, plaidItemId } })
  const [seen] = await deps.sql`select 1 from webhook_events where token_sha256 = ${tokenHash}`
  if (seen) {
    log.info('webhook replay ignored')
    return 'replay'
  }
  const outcome = await apply(deps, { type, code, plaidItemId, webhook, now, log })
  await deps.sql`
    insert into webhook_events (token_sha256, webhook_type, webhook_code, plaid_item_id, received_at)
    values (${tokenHash}, ${type || 'UNKNOWN'}, ${code || 'UNKNOWN'}, ${plaidItemId}, ${now})
    on conflict (token_sha256) do nothing`
  return outcome
}

async function apply(
  deps: WebhookDeps,
  {
    type,
    code,
    plaidItemId,
    webhook,
    now,
    log,
  }: {
    type: string
    code: string
    plaidItemId: string | null
    webhook: PlaidWebhook
    now: Date
    log: WebhookDeps['logger']
  },
): Promise<WebhookOutcome> {
  const [item] = plaidItemId
    ? await deps.sql<{ id: string }[]>`select id from items where plaid_item_id = ${plaidItemId}`
    : []
  if (!item) {
    log.info('webhook for an item Tally does not have')
    return 'unknown_item'
  }

  const setStatus = (status: string, errorCode: string | null, consentExpiresAt?: Date | null) => deps.sql`
    update items set status = ${status}, error_code = ${errorCode}, updated_at = ${now}
      ${consentExpiresAt === undefined ? deps.sql`` : deps.sql`, consent_expires_at = ${consentExpiresAt}`}
    where id = ${item.id}`
  const sync = async () => {
    await queueSync(deps.queue, item.id, 'webhook')
    deps.notifyWorker()
  }

  switch (`${type}/${code}`) {
    case 'TRANSACTIONS/SYNC_UPDATES_AVAILABLE':
    case 'TRANSACTIONS/DEFAULT_UPDATE':
    case 'TRANSACTIONS/INITIAL_UPDATE':
    case 'TRANSACTIONS/HISTORICAL_UPDATE':
    case 'TRANSACTIONS/TRANSACTIONS_REMOVED':
      await sync()
      break
    case 'ITEM/ERROR': {
      const errorCode = text(webhook.error?.error_code) || 'UNKNOWN'
      await setStatus(itemStatusForError(errorCode) ?? 'error', errorCode)
      break
    }
    case 'ITEM/PENDING_EXPIRATION':
    case 'ITEM/PENDING_DISCONNECT': {
      const at = text(webhook.consent_expiration_time)
      const expires = at && !Number.isNaN(Date.parse(at)) ? new Date(at) : null
      await setStatus(
        code === 'PENDING_EXPIRATION' ? 'pending_expiration' : 'pending_disconnect',
        code,
        expires,
      )
      break
    }
    case 'ITEM/LOGIN_REPAIRED':
      await setStatus('healthy', null, null)
      await sync()
      break
    case 'ITEM/USER_PERMISSION_REVOKED':
    case 'ITEM/USER_ACCOUNT_REVOKED':
      await setStatus('revoked', code)
      await deps.sql`delete from jobs where key = ${`item:${item.id}`} and status = 'queued'`
      break
    case 'ITEM/WEBHOOK_UPDATE_ACKNOWLEDGED':
      log.info('Plaid acknowledged the new webhook URL')
      return 'processed'
    default:
      log.info('webhook acknowledged; nothing to do for it')
      return 'ignored'
  }
  log.info({ itemId: item.id }, 'webhook processed')
  return 'processed'
}
