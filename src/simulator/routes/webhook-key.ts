import type { WebhookVerificationKeyGetResponse } from 'plaid'
import { plaidError } from '../errors.ts'
import { NonEmptyString, plaidRequest } from '../validation.ts'
import { defineRoute, type Reply } from './route.ts'

export const webhookVerificationKeyGet = defineRoute({
  path: '/webhook_verification_key/get',
  schema: plaidRequest({ key_id: NonEmptyString() }),
  rateLimitCode: 'RATE_LIMIT',
  handle({ core }, body): Reply<WebhookVerificationKeyGetResponse> {
    const key = core.keyring.find(body.key_id)
    if (!key) throw plaidError('INVALID_WEBHOOK_VERIFICATION_KEY_ID')
    return { key: { ...key } }
  },
})
