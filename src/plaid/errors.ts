import { isAxiosError } from 'axios'

/** What Plaid said when a call failed: the fields of its error body that callers switch on. */
export interface PlaidErrorInfo {
  /** HTTP status of Plaid's answer. */
  status: number
  /** e.g. ITEM_ERROR, INVALID_INPUT, API_ERROR, RATE_LIMIT_EXCEEDED. */
  error_type: string
  /** e.g. ITEM_LOGIN_REQUIRED, ITEM_NOT_FOUND, TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION. */
  error_code: string
  error_message: string
  /** Text Plaid suggests showing to the user, if any. */
  display_message: string | null
  request_id: string | null
}

/**
 * Codes of failures below HTTP: nothing was answered, so the request may or may not have reached
 * Plaid. ETIMEDOUT is axios's timeout (we turn on `clarifyTimeoutError`); ECONNABORTED is the same
 * timeout without that flag.
 */
const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ERR_NETWORK',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
])

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null
}

/**
 * Plaid's error body of a failed official-client call, or null when the call did not fail with a Plaid
 * answer (network error, timeout, a bug of ours). Later code maps `error_code` to item states.
 */
export function plaidErrorOf(error: unknown): PlaidErrorInfo | null {
  if (!isAxiosError(error) || !error.response) return null
  const { status } = error.response
  const data: unknown = error.response.data
  const body = data !== null && typeof data === 'object' ? (data as Record<string, unknown>) : {}
  const errorType = text(body.error_type)
  const errorCode = text(body.error_code)
  // A proxy's HTML 502 has no Plaid body; still report the status so callers can treat it as upstream.
  return {
    status,
    error_type: errorType ?? (status >= 500 ? 'API_ERROR' : 'UNKNOWN'),
    error_code: errorCode ?? `HTTP_${status}`,
    error_message: text(body.error_message) ?? `Plaid answered HTTP ${status}`,
    display_message: text(body.display_message),
    request_id: text(body.request_id),
  }
}

/** The low-level code (ECONNRESET, ETIMEDOUT, ...) when a Plaid call failed without any HTTP answer. */
export function networkErrorCode(error: unknown): string | null {
  if (!isAxiosError(error) || error.response) return null
  if (error.code === 'ERR_CANCELED') return null
  const cause = (error as { cause?: { code?: unknown } }).cause
  const code = error.code ?? text(cause?.code) ?? undefined
  if (code !== undefined && NETWORK_ERROR_CODES.has(code)) return code
  if (/socket hang up/i.test(error.message)) return 'ECONNRESET'
  return null
}

/** True when a Plaid call failed below HTTP (connection refused or reset, DNS, timeout). */
export function isNetworkError(error: unknown): boolean {
  return networkErrorCode(error) !== null
}
