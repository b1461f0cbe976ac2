import { Type } from '@sinclair/typebox'
import type { ItemGetResponse, ItemRemoveResponse, ItemWebhookUpdateResponse } from 'plaid'
import { presentItem, presentItemWithConsent } from '../present.ts'
import { LenientObject, NonEmptyString, Nullable, plaidRequest } from '../validation.ts'
import { webhookUpdateAcknowledged } from '../webhook-payloads.ts'
import { checkWebhookUrl } from './link-tokens.ts'
import { defineRoute, type Reply } from './route.ts'

export const itemGet = defineRoute({
  path: '/item/get',
  schema: plaidRequest({ access_token: NonEmptyString() }),
  rateLimitCode: 'ITEM_GET_LIMIT',
  handle({ core }, body): Reply<ItemGetResponse> {
    // /item/get is how Plaid reports an item's error, so it answers even for broken items.
    const item = core.itemForAccessToken(body.access_token)
    return {
      item: presentItemWithConsent(item),
      status: {
        transactions: {
          last_successful_update: item.lastSuccessfulUpdate,
          last_failed_update: item.lastFailedUpdate,
        },
        last_webhook: item.lastWebhook
          ? { sent_at: item.lastWebhook.sentAt, code_sent: item.lastWebhook.code }
          : null,
      },
    }
  },
})

export const itemRemove = defineRoute({
  path: '/item/remove',
  schema: plaidRequest({
    access_token: NonEmptyString(),
    reason_code: Type.Optional(Nullable(Type.String())),
    reason_note: Type.Optional(Nullable(Type.String())),
    options: Type.Optional(LenientObject({})),
  }),
  rateLimitCode: 'RATE_LIMIT',
  handle({ core }, body): Reply<ItemRemoveResponse> {
    core.removeItem(core.itemForAccessToken(body.access_token))
    return {}
  },
})

export const itemWebhookUpdate = defineRoute({
  path: '/item/webhook/update',
  schema: plaidRequest({ access_token: NonEmptyString(), webhook: Type.Optional(Nullable(Type.String())) }),
  rateLimitCode: 'RATE_LIMIT',
  handle({ core }, body): Reply<ItemWebhookUpdateResponse> {
    const item = core.itemForAccessToken(body.access_token)
    const webhook = body.webhook ? body.webhook : null
    if (webhook) checkWebhookUrl(webhook, 'webhook')
    item.webhook = webhook
    // Plaid acknowledges the change at the new address.
    if (webhook) core.sendWebhook(item, webhookUpdateAcknowledged(item, webhook))
    return { item: presentItem(item) }
  },
})
