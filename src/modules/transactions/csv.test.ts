import { describe, expect, test } from 'bun:test'
import { csvCell, csvLine, csvStream, decimal } from './csv.ts'
import { likePattern, validateFilters } from './filters.ts'

describe('csvCell', () => {
  test('RFC 4180: fields with comma, quote, CR or LF are quoted with quotes doubled; others are not', () => {
    expect(csvCell('plain')).toBe('plain')
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('two\nlines')).toBe('"two\nlines"')
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"')
    expect(csvCell('')).toBe('')
    expect(csvCell(null)).toBe('')
    expect(csvCell('Ünïcødé ☕ 東京')).toBe('Ünïcødé ☕ 東京')
  })

  test('text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP)', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`)
    expect(csvCell('+1')).toBe("'+1")
    expect(csvCell('-2')).toBe("'-2")
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvCell('\tx')).toBe("'\tx")
    expect(csvCell('\rx')).toBe(`"'\rx"`)
    expect(csvCell('a=b')).toBe('a=b')
  })

  test('numbers stay numbers: decimals and booleans are written as they are', () => {
    expect(csvCell(decimal('-12.50'))).toBe('-12.50')
    expect(csvCell(decimal('3000.00'))).toBe('3000.00')
    expect(csvCell(decimal('=1+1'))).toBe("'=1+1") // not a number: treated as text
    expect(csvCell(true)).toBe('true')
    expect(csvLine(['a', decimal('-1.00'), null, false])).toBe('a,-1.00,,false\r\n')
  })
})

describe('csvStream', () => {
  async function* batches(fail = false) {
    yield [['a'], ['b']]
    if (fail) throw new Error('database went away')
    yield [['c']]
  }

  test('header first, then one chunk per batch, CRLF line ends', async () => {
    const stream = csvStream(
      ['x'],
      batches(),
      (row: string[]) => row,
      () => {},
    )
    const chunks: string[] = []
    for await (const chunk of stream) chunks.push(new TextDecoder().decode(chunk))
    expect(chunks).toEqual(['x\r\n', 'a\r\nb\r\n', 'c\r\n'])
  })

  test('a failure mid-stream is reported and aborts the stream instead of ending the file quietly', async () => {
    const errors: unknown[] = []
    const stream = csvStream(
      ['x'],
      batches(true),
      (row: string[]) => row,
      (e) => errors.push(e),
    )
    const received: string[] = []
    const read = (async () => {
      for await (const chunk of stream) received.push(new TextDecoder().decode(chunk))
    })()
    await expect(read).rejects.toThrow('database went away')
    expect(received).toEqual(['x\r\n', 'a\r\nb\r\n'])
    expect(errors).toHaveLength(1)
  })

  test('cancelling stops the batch source', async () => {
    let finished = false
    async function* source() {
      try {
        for (let i = 0; ; i++) yield [[String(i)]]
      } finally {
        finished = true
      }
    }
    const reader = csvStream(
      ['x'],
      source(),
      (row: string[]) => row,
      () => {},
    ).getReader()
    await reader.read()
    await reader.read()
    await reader.cancel()
    expect(finished).toBe(true)
  })
})

describe('filters', () => {
  test('likePattern escapes LIKE wildcards and the escape character', () => {
    expect(likePattern('coffee')).toBe('%coffee%')
    expect(likePattern('100%_\\')).toBe('%100\\%\\_\\\\%')
  })

  test('validateFilters trims q and reports every reversed range', () => {
    expect(validateFilters({ q: '  tea ' })).toEqual({ q: 'tea' })
    expect(() => validateFilters({ from: '2025-02-01', to: '2025-01-31' })).toThrow()
    // Exact decimal comparison beyond a double's precision.
    expect(() =>
      validateFilters({ minAmount: '99999999999999.99', maxAmount: '99999999999999.98' }),
    ).toThrow()
    expect(validateFilters({ minAmount: '-1', maxAmount: '-0.5' })).toEqual({
      minAmount: '-1',
      maxAmount: '-0.5',
    })
    expect(() => validateFilters({ minAmount: '-0.5', maxAmount: '-1' })).toThrow()
  })
})
