import { describe, expect, test } from 'bun:test'
import { describeThrown, MAX_ERROR_TEXT, safeErrorText } from './error-text.ts'

describe('safeErrorText', () => {
  test('replaces secret-shaped text', () => {
    const cases: [string, string][] = [
      [
        'token access-sandbox-8ab976e6-64bc-4b38-98f7-731e7a349970 rejected',
        'token access-[redacted] rejected',
      ],
      ['public-production-abc123 expired', 'public-[redacted] expired'],
      [
        'header Authorization: Bearer eyJhbGciOi.abc-def_ghi= sent',
        'header Authorization: Bearer [redacted] sent',
      ],
      [
        'connect postgres://tally:s3cret@db:5432/tally failed',
        'connect postgres://tally:[redacted]@db:5432/tally failed',
      ],
      [`key ${'ab'.repeat(32)} bad`, 'key [redacted] bad'],
    ]
    for (const [input, expected] of cases) expect(safeErrorText(input)).toBe(expected)
  })

  test('leaves ordinary messages alone', () => {
    for (const message of [
      'Request failed with status code 400 (ITEM_LOGIN_REQUIRED)',
      'item 4f1c2b8e-6d0a-4c55-9a3e-1f2d3c4b5a69 not found',
      'see https://plaid.com/docs/errors/',
    ])
      expect(safeErrorText(message)).toBe(message)
  })

  test('flattens control characters, truncates, and never returns nothing', () => {
    expect(safeErrorText('line one\r\n\tline two\u0000')).toBe('line one line two')
    const long = safeErrorText('x'.repeat(5000))
    expect(long).toHaveLength(MAX_ERROR_TEXT)
    expect(long.endsWith('…')).toBe(true)
    expect(safeErrorText('  \n ')).toBe('error without a message')
  })
})

describe('describeThrown', () => {
  test('keeps the name and message, drops the stack', () => {
    expect(describeThrown(new TypeError('bad input'))).toBe('TypeError: bad input')
    expect(describeThrown(new Error('plain'))).toBe('plain')
    expect(describeThrown(new Error('plain')).includes('at ')).toBe(false)
    expect(describeThrown('a string')).toBe('a string')
    expect(describeThrown({ secret: 'x' })).toBe('a non-Error value was thrown')
  })
})
