/**
 * The few kinds of failure services report. Services know nothing of HTTP; src/http/problem.ts maps a
 * kind to a status code in one place.
 */
export type ErrorKind =
  | 'bad_request'
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'upstream'
  | 'unavailable'

export interface FieldError {
  /** Where the field is: body, query, params, headers or cookie. */
  in: string
  /** JSON pointer to the field inside that part, e.g. /email. */
  path: string
  message: string
}

export interface AppErrorOptions {
  errors?: FieldError[]
  /** Extra response headers, e.g. Retry-After for rate limits. */
  headers?: Record<string, string>
}

/** A failure the client can act on; `code` is a stable UPPER_SNAKE string clients may switch on. */
export class AppError extends Error {
  override readonly name = 'AppError'
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    readonly detail: string,
    readonly options: AppErrorOptions = {},
  ) {
    super(detail)
  }
}
