import { Elysia, t } from 'elysia'
import type { AppDeps } from '../../app.ts'
import { AppError } from '../../errors.ts'
import type { WebhookVerifier } from '../../plaid/webhook-verify.ts'
import { handleWebhook, type PlaidWebhook, type WebhookDeps } from './service.ts'

/** Plaid's webhooks are a few hundred bytes; anything near this is not one. */
export const WEBHOOK_BODY_LIMIT = 64 * 1024

const tooLarge = () =>
  new AppError(
    'payload_too_large',
    'PAYLOAD_TOO_LARGE',
    `Webhook bodies are limited to ${WEBHOOK_BODY_LIMIT / 1024} KB.`,
  )
const unverified = () =>
  new AppError('unauthorized', 'WEBHOOK_UNVERIFIED', 'The Plaid-Verification signature did not verify.')

/** The exact bytes received, without buffering more than the limit. */
async function readRawBody(request: Request): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? 0)
  if (declared > WEBHOOK_BODY_LIMIT) throw tooLarge()
  const chunks: Uint8Array[] = []
  let size = 0
  if (request.body)
    for await (const chunk of request.body) {
      size += chunk.byteLength
      if (size > WEBHOOK_BODY_LIMIT) throw tooLarge()
      chunks.push(chunk)
    }
  return Buffer.concat(chunks)
}

/**
 * POST /api/webhooks/plaid. The raw body is read before anything parses it, because the signature
 * covers its exact bytes. Unverified → 401 and nothing happens. Exempt from the CSRF check: Plaid's
 * servers send no Origin, and the signature is the authentication.
 */
export function webhookRoutes(deps: AppDeps, verifier: WebhookVerifier, service: WebhookDeps) {
  return new Elysia({ name: 'tally/webhooks', prefix: '/api/webhooks' }).post(
    '/plaid',
    async ({ request }) => {
      const raw = await readRawBody(request)
      const verification = await verifier.verify(raw, request.headers.get('plaid-verification'))
      if (!verification.ok) {
        deps.logger.warn({ reason: verification.reason }, 'webhook rejected')
        throw unverified()
      }
      const payload = (verification.payload ?? {}) as PlaidWebhook
      const outcome = await handleWebhook(service, payload, verification.tokenHash)
      return { received: true, outcome }
    },
    {
      parse: 'none',
      response: {
        200: t.Object({
          received: t.Literal(true),
          outcome: t.Union([
            t.Literal('processed'),
            t.Literal('replay'),
            t.Literal('unknown_item'),
            t.Literal('ignored'),
          ]),
        }),
      },
      detail: {
        tags: ['webhooks'],
        summary: "Plaid's webhooks, verified by their Plaid-Verification signature",
        description: 'Body: a Plaid webhook (JSON, at most 64 KB). Unverified → 401 WEBHOOK_UNVERIFIED.',
      },
    },
  )
}
