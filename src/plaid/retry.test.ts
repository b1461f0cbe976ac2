import { describe, expect, test } from 'bun:test'
import { AxiosError, AxiosHeaders, type AxiosResponse } from 'axios'
import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  decideRetry,
  isRetryable,
  type RetryPolicy,
  retryAfterMs,
} from './retry.ts'

const NOW = Date.parse('2026-03-15T12:00:00Z')

function policy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return { ...DEFAULT_RETRY_POLICY, random: () => 0.5, now: () => NOW, ...overrides }
}

function answered(status: number, headers: Record<string, string> = {}): AxiosError {
  const config = { headers: new AxiosHeaders() }
  const response = { status, statusText: '', headers, data: {}, config } as AxiosResponse
  return new AxiosError(`status ${status}`, 'ERR_BAD_RESPONSE', config, {}, response)
}

function network(code: string, message = code): AxiosError {
  return new AxiosError(message, code, { headers: new AxiosHeaders() }, {})
}

describe('backoffDelayMs', () => {
  test('full jitter under a ceiling that doubles per retry and is capped', () => {
    const top = policy({ random: () => 0.999_999 })
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelayMs(n, top))).toEqual([
      249, 499, 999, 1999, 3999, 7999, 7999, 7999,
    ])
    expect(backoffDelayMs(3, policy({ random: () => 0 }))).toBe(0)
  })
})

describe('retryAfterMs', () => {
  test('delta-seconds and HTTP dates; junk is ignored', () => {
    expect(retryAfterMs('2', NOW)).toBe(2_000)
    expect(retryAfterMs(' 0 ', NOW)).toBe(0)
    expect(retryAfterMs(new Date(NOW + 3_000).toUTCString(), NOW)).toBe(3_000)
    expect(retryAfterMs(new Date(NOW - 3_000).toUTCString(), NOW)).toBe(0)
    for (const junk of [undefined, null, '', 'soon', '-1', '1.5']) expect(retryAfterMs(junk, NOW)).toBeNull()
  })
})

describe('isRetryable', () => {
  test('5xx, 429 and network failures are; other 4xx and non-axios errors are not', () => {
    for (const status of [500, 502, 503, 504, 429]) expect(isRetryable(answered(status))).toBe(true)
    for (const status of [400, 401, 403, 404, 409, 422]) expect(isRetryable(answered(status))).toBe(false)
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN'])
      expect(isRetryable(network(code))).toBe(true)
    expect(isRetryable(network('ERR_SOMETHING', 'socket hang up'))).toBe(true)
    expect(isRetryable(network('ERR_CANCELED'))).toBe(false)
    expect(isRetryable(network('ERR_BAD_OPTION'))).toBe(false)
    expect(isRetryable(new TypeError('bug'))).toBe(false)
  })
})

describe('decideRetry', () => {
  test('stops after maxAttempts', () => {
    const rules = policy({ maxAttempts: 3 })
    expect(decideRetry(answered(500), 1, rules)).toEqual({ retry: true, delayMs: 125 })
    expect(decideRetry(answered(500), 2, rules)).toEqual({ retry: true, delayMs: 250 })
    expect(decideRetry(answered(500), 3, rules)).toEqual({ retry: false, why: 'attempts_exhausted' })
    expect(decideRetry(answered(400), 1, rules)).toEqual({ retry: false, why: 'not_retryable' })
  })

  test('Retry-After is honoured when longer than the backoff, and ends the call when beyond the cap', () => {
    expect(decideRetry(answered(429, { 'retry-after': '3' }), 1, policy())).toEqual({
      retry: true,
      delayMs: 3_000,
    })
    // Shorter than the jittered backoff: the backoff wins.
    expect(decideRetry(answered(503, { 'retry-after': '0' }), 1, policy())).toEqual({
      retry: true,
      delayMs: 125,
    })
    expect(decideRetry(answered(429, { 'retry-after': '120' }), 1, policy())).toEqual({
      retry: false,
      why: 'retry_after_too_long',
    })
  })
})
