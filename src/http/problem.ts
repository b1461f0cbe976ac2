import { Elysia, type ValidationError } from 'elysia'
import { AppError, type ErrorKind, type FieldError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import { requestContextOf } from './request-context.ts'

const STATUS: Record<ErrorKind, number> = {
  bad_request: 400,
  invalid: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  upstream: 502,
  unavailable: 503,
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
}

export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  code: string
  requestId: string
  errors?: FieldError[]
}

/** Stable, documented problem type URIs (docs/API.md lists every code). */
export const problemType = (code: string) => `urn:tally:problem:${code.toLowerCase().replaceAll('_', '-')}`

export function problemResponse(
  problem: Omit<Problem, 'type' | 'title'>,
  headers: Record<string, string> = {},
): Response {
  const body: Problem = {
    type: problemType(problem.code),
    title: TITLES[problem.status] ?? 'Error',
    ...problem,
  }
  return new Response(JSON.stringify(body), {
    status: problem.status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...headers },
  })
}

type Described = Omit<Problem, 'type' | 'title' | 'requestId'> & { headers?: Record<string, string> }

/** Turns anything thrown into what the client may see. Unknown errors become a bare 500. */
export function describeError(code: string | number, error: unknown, request: Request): Described {
  if (error instanceof AppError)
    return {
      status: STATUS[error.kind],
      code: error.code,
      detail: error.detail,
      ...(error.options.errors ? { errors: error.options.errors } : {}),
      ...(error.options.headers ? { headers: error.options.headers } : {}),
    }
  switch (code) {
    case 'NOT_FOUND':
      return {
        status: 404,
        code: 'NOT_FOUND',
        detail: `Nothing here: ${request.method} ${new URL(request.url).pathname}`,
      }
    case 'PARSE':
      return {
        status: 400,
        code: 'MALFORMED_BODY',
        detail: 'The request body could not be parsed; send valid JSON.',
      }
    case 'VALIDATION': {
      const validation = error as ValidationError
      // A response that fails its own schema is our bug, not the client's: never echo it.
      if (validation.type === 'response') break
      return {
        status: 422,
        code: 'VALIDATION_FAILED',
        detail: 'The request is invalid; see errors for each field.',
        errors: fieldErrors(validation, request),
      }
    }
    case 'INVALID_COOKIE_SIGNATURE':
      return { status: 400, code: 'INVALID_COOKIE', detail: 'A cookie was tampered with.' }
  }
  if (typeof code === 'number' && code >= 400 && code < 500)
    return { status: code, code: 'HTTP_' + code, detail: TITLES[code] ?? 'The request was refused.' }
  return {
    status: 500,
    code: 'INTERNAL_ERROR',
    detail: 'Something went wrong on our side. Quote the requestId if you report it.',
  }
}

interface TypeBoxIssue {
  message?: string
  errors?: Iterable<{ message?: string }>[]
}

const BARE_TYPE_MISMATCH = /^Expected (string|number|integer|boolean|object|array|null)$/

/**
 * TypeBox's message ("Expected string to match 'email' format"), never Elysia's summary, which quotes
 * the value received. For unions (Elysia makes t.Integer accept numeric strings too) the top message is
 * just "Expected union value", so the most specific message of a branch is used instead.
 */
function readableMessage(issue: TypeBoxIssue): string {
  const branches = (issue.errors ?? []).flatMap((branch) =>
    [...branch].slice(0, 1).map((e) => e.message ?? ''),
  )
  const specific = branches.find((message) => message && !BARE_TYPE_MISMATCH.test(message))
  return specific ?? branches[0] ?? issue.message ?? 'is invalid'
}

/** Each failing field once, with the schema's message; the offending value is never echoed (it may be a password). */
function fieldErrors(error: ValidationError, request: Request): FieldError[] {
  if (error.type === 'property') return [coercionError(error, request)]
  const seen = new Set<string>()
  const errors: FieldError[] = []
  for (const issue of error.all) {
    const path = 'path' in issue && typeof issue.path === 'string' ? issue.path || '/' : '/'
    if (seen.has(path)) continue
    seen.add(path)
    errors.push({ in: error.type, path, message: readableMessage(issue) })
  }
  return errors
}

/**
 * Elysia converts numeric query parameters (`?limit=0`) before validation and, when the number breaks
 * its schema, reports only the value, not which parameter held it. The parameter is found again by
 * that value, so the client is told `query /limit` rather than an anonymous "property".
 */
function coercionError(error: ValidationError, request: Request): FieldError {
  const message = readableMessage((error.all[0] ?? {}) as TypeBoxIssue)
  const received = String(error.value)
  for (const [name, value] of new URL(request.url).searchParams)
    if (value === received) return { in: 'query', path: `/${name}`, message }
  return { in: 'query', path: '/', message }
}

/** The one place errors become RFC 9457 problem+json responses. */
export function problemDetails(logger: Logger) {
  return new Elysia({ name: 'tally/problem-details' }).onError(
    { as: 'global' },
    ({ code, error, request, set }) => {
      const { headers, ...described } = describeError(code, error, request)
      const { id } = requestContextOf(request)
      if (described.status >= 500) logger.error({ err: error, requestId: id }, 'request failed')
      set.status = described.status
      return problemResponse({ ...described, requestId: id }, headers)
    },
  )
}
