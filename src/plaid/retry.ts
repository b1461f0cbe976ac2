import { isAxiosError } from 'axios'
import { networkErrorCode } from './errors.ts'

/**
 * When to try a Plaid call again. Only failures that say nothing about the request itself are
 * retried: 5xx, 429 and network errors. Any other 4xx is Plaid's considered answer (bad token, item
 * needs login...) and asking again would only repeat it.
 */
export interface RetryPolicy {
  /** Attempts in total, the first included. 1 turns retries off. */
  maxAttempts: number
  /** The first retry waits up to this long; each later one up to twice as long (full jitter). */
  baseDelayMs: number
  /** Cap on one wait. A `Retry-After` longer than this ends the call instead (see below). */
  maxDelayMs: number
  /** [0, 1); injectable so tests get deterministic delays. */
  random: () => number
  /** Injectable so tests do not wait. */
  sleep: (ms: number) => Promise<void>
  /** Wall clock for HTTP-date `Retry-After` values. */
  now: () => number
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  random: Math.random,
  sleep: (ms: number) => Bun.sleep(ms),
  now: Date.now,
})

export type RetryDecision =
  | { retry: true; delayMs: number }
  | { retry: false; why: 'not_retryable' | 'attempts_exhausted' | 'retry_after_too_long' }

/** Full jitter (AWS architecture blog): spreads retries of many clients instead of synchronising them. */
export function backoffDelayMs(
  retryNumber: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>,
) {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retryNumber - 1))
  return Math.floor(policy.random() * ceiling)
}

/** `Retry-After` as milliseconds from now: delta-seconds or an HTTP date; null when absent or invalid. */
export function retryAfterMs(value: unknown, now: number): number | null {
  const header = Array.isArray(value) ? value[0] : value
  if (typeof header === 'number') return header >= 0 ? header * 1000 : null
  if (typeof header !== 'string' || header.trim() === '') return null
  const trimmed = header.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  // Only IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"): Date.parse reads "-1" or "1.5" as dates too.
  if (!/^[A-Za-z]{3}, /.test(trimmed)) return null
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? null : Math.max(0, date - now)
}

export function isRetryable(error: unknown): boolean {
  if (!isAxiosError(error)) return false
  const status = error.response?.status
  if (status === undefined) return networkErrorCode(error) !== null
  return status >= 500 || status === 429
}

/** Whether to send attempt `attempt + 1` after `error` ended attempt `attempt` (1-based), and when. */
export function decideRetry(error: unknown, attempt: number, policy: RetryPolicy): RetryDecision {
  if (!isRetryable(error)) return { retry: false, why: 'not_retryable' }
  if (attempt >= policy.maxAttempts) return { retry: false, why: 'attempts_exhausted' }
  const backoff = backoffDelayMs(attempt, policy)
  const headers = isAxiosError(error) ? error.response?.headers : undefined
  const asked = retryAfterMs(headers?.['retry-after'], policy.now())
  if (asked === null) return { retry: true, delayMs: backoff }
  // Honouring a long Retry-After would hold a request (or a worker slot) for minutes; failing lets the
  // caller reschedule, and retrying sooner would only be refused again.
  if (asked > policy.maxDelayMs) return { retry: false, why: 'retry_after_too_long' }
  return { retry: true, delayMs: Math.max(backoff, asked) }
}
