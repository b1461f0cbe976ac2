import { type ErrorCode, errorBody, PlaidApiError } from './errors.ts'

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } })
}

export function errorResponse(
  error: PlaidApiError,
  requestId: string,
  headers: Record<string, string> = {},
): Response {
  return json(errorBody(error.code, error.message, requestId), error.status, headers)
}

export function codeResponse(code: ErrorCode, requestId: string, detail?: string): Response {
  return errorResponse(new PlaidApiError(code, detail), requestId)
}

/**
 * Parses a JSON object body the way Plaid's front door does: JSON content type, valid JSON, an object.
 * An empty body counts as `{}` so that a missing body reports the missing fields, not a parse error.
 */
export async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  const type = request.headers.get('content-type') ?? ''
  const text = await request.text()
  if (text.trim() === '') return {}
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new PlaidApiError('INVALID_HEADERS', 'Content-Type must be application/json')
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new PlaidApiError('INVALID_BODY', 'body could not be parsed as JSON')
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new PlaidApiError('INVALID_BODY', 'body must be a JSON object')
  }
  return parsed as Record<string, unknown>
}

/** A response whose body errors before any byte is sent: the client sees the connection reset. */
export function droppedConnection(): Response {
  return new Response(
    new ReadableStream({
      pull(controller) {
        // An error without a reason resets the socket without Bun printing a stack trace.
        controller.error()
      },
    }),
  )
}

/** Constant-time string comparison for credentials. */
export function sameSecret(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false
  const a = new TextEncoder().encode(given)
  const b = new TextEncoder().encode(expected)
  let difference = a.length ^ b.length
  for (let i = 0; i < b.length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0)
  return difference === 0
}
