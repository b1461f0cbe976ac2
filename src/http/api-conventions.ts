import { Elysia } from 'elysia'
import { AppError } from '../errors.ts'

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

function hasBody(request: Request): boolean {
  return request.headers.get('content-length') !== '0' && request.body !== null
}

/**
 * Rules for everything under /api: request bodies are JSON and nothing else (415 otherwise, before
 * any parser runs), and responses are never stored by browsers or proxies, since they carry personal
 * and financial data.
 */
export const apiConventions = new Elysia({ name: 'tally/api-conventions' }).onRequest(({ request, set }) => {
  const path = new URL(request.url).pathname
  if (!path.startsWith('/api/')) return
  set.headers['cache-control'] = 'no-store'
  if (!WITH_BODY.has(request.method) || !hasBody(request)) return
  const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
  if (type !== 'application/json')
    throw new AppError(
      'unsupported_media_type',
      'UNSUPPORTED_MEDIA_TYPE',
      `Send the request body as application/json (got ${type ? type.slice(0, 100) : 'no content type'}).`,
    )
})
