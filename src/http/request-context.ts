import { Elysia } from 'elysia'

export interface RequestContext {
  id: string
  startedAt: number
}

/**
 * Per-request facts needed even when a request fails before Elysia's derive/resolve run (a parse
 * error, a 404), so they are kept beside the Request object rather than in the handler context.
 */
const contexts = new WeakMap<Request, RequestContext>()

/** A caller's id is kept when it is safe to echo into headers and logs; anything else is replaced. */
const WELL_FORMED_ID = /^[A-Za-z0-9._:-]{8,128}$/

export function requestContextOf(request: Request): RequestContext {
  let context = contexts.get(request)
  if (!context) {
    const offered = request.headers.get('x-request-id')
    context = {
      id: offered && WELL_FORMED_ID.test(offered) ? offered : crypto.randomUUID(),
      startedAt: performance.now(),
    }
    contexts.set(request, context)
  }
  return context
}

export const requestContext = new Elysia({ name: 'tally/request-context' })
  .onRequest(({ request, set }) => {
    set.headers['x-request-id'] = requestContextOf(request).id
  })
  .resolve({ as: 'global' }, ({ request }) => ({ requestId: requestContextOf(request).id }))
