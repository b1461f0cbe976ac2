import type { SimulatorCore } from './core.ts'
import { PlaidApiError, plaidError } from './errors.ts'
import { codeResponse, droppedConnection, errorResponse, json, readJsonObject, sameSecret } from './http.ts'
import { newRequestId } from './ids.ts'
import { PLAID_ROUTES } from './routes/index.ts'
import { validateRequest } from './validation.ts'

/**
 * Plaid's front door, in Plaid's order: route, body, credentials, then (the simulator's addition)
 * injected faults, then the request schema and the endpoint itself. Each answer has a fresh request id.
 */
export async function handlePlaidRequest(
  core: SimulatorCore,
  request: Request,
  path: string,
): Promise<Response> {
  const requestId = newRequestId()
  const route = PLAID_ROUTES.get(path)
  if (!route || request.method !== 'POST') return codeResponse('NOT_FOUND', requestId)
  try {
    const body = await readJsonObject(request)
    const clientId =
      typeof body.client_id === 'string' ? body.client_id : request.headers.get('plaid-client-id')
    const secret = typeof body.secret === 'string' ? body.secret : request.headers.get('plaid-secret')
    if (!sameSecret(clientId, core.clientId) || !sameSecret(secret, core.secret))
      throw plaidError('INVALID_API_KEYS')

    const faults = core.faults.decide(path)
    if (faults.latencyMs > 0) await Bun.sleep(faults.latencyMs)
    switch (faults.outcome) {
      case 'drop_connection':
        return droppedConnection()
      case 'internal_error':
        throw plaidError('INTERNAL_SERVER_ERROR')
      case 'rate_limit':
        throw plaidError(route.rateLimitCode)
      case 'product_not_ready':
        throw plaidError('PRODUCT_NOT_READY')
      default:
        break
    }

    const valid = validateRequest(route.schema, body)
    const reply = await route.handle({ core, faults }, valid)
    return json({ ...reply, request_id: requestId })
  } catch (error) {
    if (error instanceof PlaidApiError) return errorResponse(error, requestId)
    core.logger.error(
      {
        err:
          error instanceof Error
            ? { name: error.name, message: error.message, stack: error.stack }
            : String(error),
        path,
        request_id: requestId,
      },
      'simulator endpoint failed',
    )
    return codeResponse('INTERNAL_SERVER_ERROR', requestId)
  }
}
