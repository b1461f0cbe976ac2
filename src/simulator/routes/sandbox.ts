import { Type } from '@sinclair/typebox'
import {
  SandboxItemFireWebhookRequestWebhookCodeEnum,
  type SandboxItemFireWebhookResponse,
  type SandboxItemResetLoginResponse,
  type SandboxPublicTokenCreateResponse,
  WebhookType,
} from 'plaid'
import { durations } from '../clock.ts'
import { checkBankLogin } from '../credentials.ts'
import { plaidError } from '../errors.ts'
import type { ItemState } from '../item.ts'
import { LenientObject, NonEmptyString, Nullable, plaidRequest } from '../validation.ts'
import * as payloads from '../webhook-payloads.ts'
import type { WebhookPayload } from '../webhooks.ts'
import { checkProducts, checkWebhookUrl } from './link-tokens.ts'
import { defineRoute, type Reply } from './route.ts'

const Optional = Type.Optional

export const sandboxPublicTokenCreate = defineRoute({
  path: '/sandbox/public_token/create',
  schema: plaidRequest({
    institution_id: NonEmptyString(),
    initial_products: Type.Array(Type.String(), { minItems: 1 }),
    options: Optional(
      LenientObject({
        webhook: Optional(Type.String()),
        override_username: Optional(Nullable(Type.String())),
        override_password: Optional(Nullable(Type.String())),
        transactions: Optional(Nullable(LenientObject({}))),
      }),
    ),
    user_token: Optional(Type.String()),
    user_id: Optional(Type.String()),
  }),
  rateLimitCode: 'RATE_LIMIT',
  handle({ core }, body): Reply<SandboxPublicTokenCreateResponse> {
    const institution = core.institution(body.institution_id)
    if (!institution) throw plaidError('INVALID_INSTITUTION')
    checkProducts(body.initial_products, 'initial_products')
    const unsupported = body.initial_products.filter(
      (product) => !institution.products.includes(product as never),
    )
    if (unsupported.length > 0) {
      throw plaidError(
        'PRODUCTS_NOT_SUPPORTED',
        `${institution.name} does not support: ${unsupported.join(', ')}`,
      )
    }
    const webhook = body.options?.webhook
    if (webhook !== undefined) checkWebhookUrl(webhook, 'options.webhook')
    const failure = checkBankLogin(
      body.options?.override_username ?? 'user_good',
      body.options?.override_password ?? 'pass_good',
    )
    if (failure) throw plaidError(failure)
    const item = core.createItem({
      institution,
      products: body.initial_products,
      webhook: webhook ?? null,
      userId: body.user_id ?? null,
    })
    return { public_token: core.tokens.issuePublicToken(item.serial).token }
  },
})

export const sandboxResetLogin = defineRoute({
  path: '/sandbox/item/reset_login',
  schema: plaidRequest({ access_token: NonEmptyString() }),
  rateLimitCode: 'RATE_LIMIT',
  handle({ core }, body): Reply<SandboxItemResetLoginResponse> {
    const item = core.itemForAccessToken(body.access_token)
    core.setItemError(item, 'ITEM_LOGIN_REQUIRED')
    return { reset_login: true }
  },
})

const WEBHOOK_CODES = Object.values(SandboxItemFireWebhookRequestWebhookCodeEnum) as string[]
const WEBHOOK_TYPES = Object.values(WebhookType) as string[]

/** The payload Sandbox sends for each code /sandbox/item/fire_webhook accepts. It fires; it changes no state. */
function firedPayload(item: ItemState, code: string, type: string | undefined, now: Date): WebhookPayload {
  switch (code) {
    case 'DEFAULT_UPDATE':
      return payloads.defaultUpdate(item, 0)
    case 'NEW_ACCOUNTS_AVAILABLE':
      return payloads.newAccountsAvailable(item)
    case 'SMS_MICRODEPOSITS_VERIFICATION':
      return payloads.smsMicrodepositsVerification(item)
    case 'AUTHORIZATION_GRANTED':
      return payloads.authorizationGranted(item)
    case 'USER_PERMISSION_REVOKED':
      return payloads.userPermissionRevoked(item)
    case 'USER_ACCOUNT_REVOKED':
      return payloads.userAccountRevoked(item)
    case 'PENDING_DISCONNECT':
      return payloads.pendingDisconnect(item, new Date(now.getTime() + 7 * durations.day).toISOString())
    case 'RECURRING_TRANSACTIONS_UPDATE':
      return payloads.recurringTransactionsUpdate(item)
    case 'LOGIN_REPAIRED':
      return payloads.loginRepaired(item)
    case 'SYNC_UPDATES_AVAILABLE':
      return payloads.syncUpdatesAvailable(item)
    case 'PRODUCT_READY':
      return payloads.productReady(item, type ?? 'INCOME')
    default:
      return payloads.itemError(item, 'ITEM_LOGIN_REQUIRED')
  }
}

export const sandboxFireWebhook = defineRoute({
  path: '/sandbox/item/fire_webhook',
  schema: plaidRequest({
    access_token: NonEmptyString(),
    webhook_type: Optional(Type.String()),
    webhook_code: NonEmptyString(),
  }),
  rateLimitCode: 'RATE_LIMIT',
  handle({ core }, body): Reply<SandboxItemFireWebhookResponse> {
    if (!WEBHOOK_CODES.includes(body.webhook_code)) {
      throw plaidError('INVALID_FIELD', `webhook_code must be one of ${WEBHOOK_CODES.join(', ')}`)
    }
    if (body.webhook_type !== undefined && !WEBHOOK_TYPES.includes(body.webhook_type)) {
      throw plaidError('INVALID_FIELD', `webhook_type must be one of ${WEBHOOK_TYPES.join(', ')}`)
    }
    const item = core.itemForAccessToken(body.access_token)
    if (!item.webhook) throw plaidError('SANDBOX_WEBHOOK_INVALID')
    core.sendWebhook(item, firedPayload(item, body.webhook_code, body.webhook_type, core.clock.now()))
    return { webhook_fired: true }
  },
})
