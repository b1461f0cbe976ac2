import { controlRouter } from './control.ts'
import type { SimulatorCore } from './core.ts'
import { PlaidApiError } from './errors.ts'
import { codeResponse, errorResponse, json, readJsonObject, sameSecret } from './http.ts'
import { newRequestId } from './ids.ts'
import { createLinkStandIn } from './link.ts'
import { handlePlaidRequest } from './plaid-api.ts'
import type { Params, Router } from './router.ts'

const LINK_PREFIX = '/simulator/link/'
const CONTROL_PREFIX = '/simulator/'

/** The Link stand-in is called from the dashboard's origin; it holds no secrets, only link-token sessions. */
const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '600',
}

type JsonHandler<C> = (context: C) => object | Promise<object>

async function dispatch<C extends { params: Params }>(
  router: Router<JsonHandler<C>>,
  request: Request,
  path: string,
  makeContext: (params: Params, body: Record<string, unknown>) => C,
  headers: Record<string, string>,
  onUnexpected: (error: unknown, requestId: string) => void,
): Promise<Response> {
  const requestId = newRequestId()
  const match = router.match(request.method, path)
  if (match === undefined) return errorResponse(new PlaidApiError('NOT_FOUND'), requestId, headers)
  if (match === 'method-not-allowed') {
    return json(
      {
        error_type: 'INVALID_REQUEST',
        error_code: 'NOT_FOUND',
        error_message: `${request.method} is not supported here`,
        display_message: null,
        request_id: requestId,
      },
      405,
      headers,
    )
  }
  try {
    const body = request.method === 'GET' || request.method === 'DELETE' ? {} : await readJsonObject(request)
    const reply = await match.handler(makeContext(match.params, body))
    return json({ ...reply, request_id: requestId }, 200, headers)
  } catch (error) {
    if (error instanceof PlaidApiError) return errorResponse(error, requestId, headers)
    onUnexpected(error, requestId)
    return errorResponse(new PlaidApiError('INTERNAL_SERVER_ERROR'), requestId, headers)
  }
}

/** The control API is for whoever holds the simulator's client id and secret, sent as Plaid's headers. */
function controlAllowed(core: SimulatorCore, request: Request): boolean {
  return (
    sameSecret(request.headers.get('plaid-client-id'), core.clientId) &&
    sameSecret(request.headers.get('plaid-secret'), core.secret)
  )
}

export function createRequestHandler(core: SimulatorCore): (request: Request) => Promise<Response> {
  const link = createLinkStandIn()
  const onUnexpected = (error: unknown, requestId: string) =>
    core.logger.error(
      {
        err:
          error instanceof Error
            ? { name: error.name, message: error.message, stack: error.stack }
            : String(error),
        request_id: requestId,
      },
      'simulator control request failed',
    )

  async function route(request: Request, url: URL): Promise<Response> {
    const path = url.pathname
    if (path.startsWith(LINK_PREFIX)) {
      if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: CORS_HEADERS })
      return dispatch(
        link,
        request,
        path,
        (params, body) => ({ core, params, body }),
        CORS_HEADERS,
        onUnexpected,
      )
    }
    if (path === '/simulator/health')
      return json({ status: 'ok', simulated_now: core.clock.now().toISOString() })
    if (path.startsWith(CONTROL_PREFIX)) {
      if (!controlAllowed(core, request)) {
        return codeResponse(
          'INVALID_API_KEYS',
          newRequestId(),
          'send the simulator client id and secret as PLAID-CLIENT-ID and PLAID-SECRET headers',
        )
      }
      return dispatch(
        controlRouter,
        request,
        path,
        (params, body) => ({ core, params, body, url }),
        {},
        onUnexpected,
      )
    }
    return handlePlaidRequest(core, request, path)
  }

  return async (request) => {
    const started = performance.now()
    const url = new URL(request.url)
    const response = await route(request, url)
    // Paths hold no secrets (tokens travel in bodies); bodies are never logged.
    core.logger.info(
      {
        method: request.method,
        path: url.pathname,
        status: response.status,
        duration_ms: Math.round(performance.now() - started),
      },
      'simulator request',
    )
    return response
  }
}
