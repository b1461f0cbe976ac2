import { type ErrorCode, errorBody } from './errors.ts'
import type { ItemState } from './item.ts'
import type { WebhookPayload } from './webhooks.ts'

/** Webhook bodies in the shapes of Plaid's webhook schemas (SyncUpdatesAvailableWebhook, ItemErrorWebhook, ...). */

const ENVIRONMENT = 'sandbox'

function base(item: ItemState, webhookType: string, webhookCode: string) {
  return {
    webhook_type: webhookType,
    webhook_code: webhookCode,
    item_id: item.itemId,
    ...(item.userId ? { user_id: item.userId } : {}),
    environment: ENVIRONMENT,
  }
}

/** Errors inside webhooks carry `status` and no `request_id`, as in Plaid's examples. */
function webhookError(code: ErrorCode) {
  const { request_id: _omitted, ...error } = errorBody(code)
  return error
}

export function syncUpdatesAvailable(item: ItemState): WebhookPayload {
  return {
    ...base(item, 'TRANSACTIONS', 'SYNC_UPDATES_AVAILABLE'),
    initial_update_complete: true,
    historical_update_complete: true,
  }
}

export function defaultUpdate(item: ItemState, newTransactions: number): WebhookPayload {
  return { ...base(item, 'TRANSACTIONS', 'DEFAULT_UPDATE'), error: null, new_transactions: newTransactions }
}

export function recurringTransactionsUpdate(item: ItemState): WebhookPayload {
  return {
    ...base(item, 'TRANSACTIONS', 'RECURRING_TRANSACTIONS_UPDATE'),
    account_ids: item.accounts.map((a) => a.id),
  }
}

export function itemError(item: ItemState, code: ErrorCode): WebhookPayload {
  return { ...base(item, 'ITEM', 'ERROR'), error: webhookError(code) }
}

export function loginRepaired(item: ItemState): WebhookPayload {
  return base(item, 'ITEM', 'LOGIN_REPAIRED')
}

export function pendingExpiration(item: ItemState, consentExpirationTime: string): WebhookPayload {
  return { ...base(item, 'ITEM', 'PENDING_EXPIRATION'), consent_expiration_time: consentExpirationTime }
}

export function pendingDisconnect(item: ItemState, disconnectTime: string): WebhookPayload {
  return {
    ...base(item, 'ITEM', 'PENDING_DISCONNECT'),
    reason: 'INSTITUTION_MIGRATION',
    disconnect_time: disconnectTime,
  }
}

export function userPermissionRevoked(item: ItemState): WebhookPayload {
  return { ...base(item, 'ITEM', 'USER_PERMISSION_REVOKED'), error: webhookError('USER_PERMISSION_REVOKED') }
}

export function userAccountRevoked(item: ItemState): WebhookPayload {
  return { ...base(item, 'ITEM', 'USER_ACCOUNT_REVOKED'), account_id: item.accounts[0]?.id ?? '' }
}

export function newAccountsAvailable(item: ItemState): WebhookPayload {
  return { ...base(item, 'ITEM', 'NEW_ACCOUNTS_AVAILABLE'), error: null }
}

export function webhookUpdateAcknowledged(item: ItemState, url: string): WebhookPayload {
  return { ...base(item, 'ITEM', 'WEBHOOK_UPDATE_ACKNOWLEDGED'), new_webhook_url: url, error: null }
}

export function authorizationGranted(item: ItemState): WebhookPayload {
  return base(item, 'ITEM', 'AUTHORIZATION_GRANTED')
}

export function productReady(item: ItemState, webhookType: string): WebhookPayload {
  return { ...base(item, webhookType, 'PRODUCT_READY'), error: null }
}

export function smsMicrodepositsVerification(item: ItemState): WebhookPayload {
  return {
    ...base(item, 'AUTH', 'SMS_MICRODEPOSITS_VERIFICATION'),
    status: 'MANUALLY_VERIFIED',
    account_id: item.accounts[0]?.id ?? '',
  }
}
