import axios, { type AxiosInstance, type AxiosRequestConfig, type AxiosResponse, isAxiosError } from 'axios'
import type { Logger } from '../logger.ts'
import { networkErrorCode, plaidErrorOf } from './errors.ts'
import { DEFAULT_RETRY_POLICY, decideRetry, type RetryPolicy } from './retry.ts'

export const DEFAULT_PLAID_TIMEOUT_MS = 30_000

export interface PlaidTransportOptions {
  /** Plaid's base URL; the endpoint logged is the URL with this prefix removed. */
  basePath: string
  logger: Logger
  /** Per attempt, not per call: a call may take up to maxAttempts × timeout plus the waits. */
  timeoutMs?: number
  retry?: Partial<RetryPolicy>
}

/** The one line each attempt writes. Only these fields: bodies and headers carry tokens and secrets. */
export interface CallLog {
  method: string
  request_id: string | null
  status: number | null
  error_type?: string
  error_code?: string
  network_error?: string
  attempt: number
  duration_ms: number
  retry_in_ms?: number
}

function endpointOf(url: string | undefined, basePath: string): string {
  if (!url) return 'unknown'
  const relative = url.startsWith(basePath) ? url.slice(basePath.length) : url
  try {
    return new URL(relative, 'http://plaid.invalid').pathname
  } catch {
    return 'unknown'
  }
}

function requestIdOf(data: unknown): string | null {
  if (data === null || typeof data !== 'object') return null
  const id = (data as { request_id?: unknown }).request_id
  return typeof id === 'string' ? id : null
}

/**
 * Axios keeps the request config (PLAID-SECRET header, body with access_token) and the raw socket
 * request on errors and responses. Callers log caught errors (`log.error({ err })`), and pino's error
 * serializer copies every enumerable field, so these go before anything leaves this module.
 */
function scrub<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value
  const record = value as Record<string, unknown>
  delete record.config
  delete record.request
  if (isAxiosError(value) && value.response) scrub(value.response)
  return value
}

/**
 * An axios instance for `new PlaidApi(configuration, basePath, instance)` that retries with backoff
 * and logs every attempt. PlaidApi sends each call through `instance.request`, so wrapping that one
 * method sees every call once, after axios has parsed the body (error bodies included).
 */
export function createPlaidTransport(options: PlaidTransportOptions): AxiosInstance {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry }
  const { basePath, logger } = options
  const instance = axios.create({
    timeout: options.timeoutMs ?? DEFAULT_PLAID_TIMEOUT_MS,
    // Timeouts come out as ETIMEDOUT rather than ECONNABORTED, which also means "aborted by us".
    transitional: { silentJSONParsing: true, forcedJSONParsing: true, clarifyTimeoutError: true },
    // Plaid never redirects; following one would resend the credentials headers somewhere else.
    maxRedirects: 0,
  })
  const send = instance.request.bind(instance)

  async function request<T, R = AxiosResponse<T>, D = unknown>(config: AxiosRequestConfig<D>): Promise<R> {
    const method = endpointOf(config.url, basePath)
    for (let attempt = 1; ; attempt++) {
      const started = performance.now()
      try {
        const response = await send<T, AxiosResponse<T>, D>(config)
        const line: CallLog = {
          method,
          request_id: requestIdOf(response.data),
          status: response.status,
          attempt,
          duration_ms: Math.round(performance.now() - started),
        }
        logger.info({ plaid: line }, `plaid ${method} ${response.status}`)
        return scrub(response) as R
      } catch (error) {
        const duration = Math.round(performance.now() - started)
        const decision = config.signal?.aborted
          ? ({ retry: false, why: 'not_retryable' } as const)
          : decideRetry(error, attempt, policy)
        const plaidError = plaidErrorOf(error)
        const network = networkErrorCode(error)
        const line: CallLog = {
          method,
          request_id: plaidError?.request_id ?? null,
          status: plaidError?.status ?? null,
          ...(plaidError ? { error_type: plaidError.error_type, error_code: plaidError.error_code } : {}),
          ...(network ? { network_error: network } : {}),
          attempt,
          duration_ms: duration,
          ...(decision.retry ? { retry_in_ms: decision.delayMs } : {}),
        }
        const what = plaidError ? `${plaidError.status} ${plaidError.error_code}` : (network ?? 'failed')
        if (decision.retry) {
          logger.warn({ plaid: line }, `plaid ${method} ${what}; retrying`)
          await policy.sleep(decision.delayMs)
          continue
        }
        if (decision.why === 'not_retryable' && plaidError) {
          // Plaid's considered answer (ITEM_LOGIN_REQUIRED...): the caller handles it; not our outage.
          logger.warn({ plaid: line }, `plaid ${method} ${what}`)
        } else {
          logger.error({ plaid: line }, `plaid ${method} ${what}; giving up after ${attempt} attempt(s)`)
        }
        throw scrub(error)
      }
    }
  }

  instance.request = request as AxiosInstance['request']
  return instance
}
