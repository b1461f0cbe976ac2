import { beforeAll, describe, expect, test } from 'bun:test'
import { useTestApp } from './helpers/app.ts'
import { insertAccount, insertManyTransactions, insertTransactions, seedBank } from './helpers/bank-data.ts'
import { as, signUp, type TestUser } from './helpers/users.ts'

/** GET /api/transactions/export.csv: RFC 4180, spreadsheet-safe, the list's filters, streamed. */
const tally = useTestApp()

/** A strict RFC 4180 parser: CRLF records, quoted fields with doubled quotes. Throws on anything else. */
function parseCsv(text: string): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let i = 0
  while (i < text.length) {
    let field = ''
    if (text[i] === '"') {
      i++
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field')
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"'
            i += 2
          } else {
            i++
            break
          }
        } else field += text[i++]
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`bare quote at ${i}`)
        field += text[i++]
      }
    }
    record.push(field)
    if (text[i] === ',') i++
    else if (text.startsWith('\r\n', i)) {
      records.push(record)
      record = []
      i += 2
    } else throw new Error(`expected , or CRLF at ${i}, got ${JSON.stringify(text.slice(i, i + 5))}`)
  }
  if (record.length) throw new Error('last record lacks CRLF')
  return records
}

const HEADER = [
  'id',
  'date',
  'authorized_date',
  'account_id',
  'account_name',
  'name',
  'merchant_name',
  'amount',
  'currency',
  'category_primary',
  'category_detailed',
  'payment_channel',
  'pending',
]

/** What a spreadsheet-safe export holds for a text value. */
const asText = (value: string | null) =>
  value === null ? '' : /^[=+\-@\t\r]/.test(value) ? `'${value}` : value

const NASTY = [
  'Comma, Inc.',
  'He said "hi"',
  'Two\nlines',
  'Windows\r\nline',
  '=HYPERLINK("http://evil.example","click")',
  '+1 555 0100',
  '-minus',
  '@SUM(A1:A2)',
  '\tTabbed',
  '\rCarriage',
  'Ünïcødé ☕ 東京 🚀',
  '"',
  ',',
  ' leading space',
]

let alice: TestUser
let bank: Awaited<ReturnType<typeof seedBank>>

beforeAll(async () => {
  alice = await signUp(tally)
  bank = await seedBank(tally.db.sql, alice.id, 'Bank, "The" =1')
  await insertTransactions(
    tally.db.sql,
    bank.checking,
    NASTY.map((name, i) => ({
      name,
      merchantName: i % 2 ? NASTY[NASTY.length - 1 - i] : null,
      date: `2025-02-${String(1 + i).padStart(2, '0')}`,
      amount: i % 3 ? `-${i}.5${i % 10}` : `${i * 10}.00`,
      categoryPrimary: i % 2 ? 'FOOD_AND_DRINK' : 'TRAVEL',
      pending: i === 3,
    })),
  )
  const odd = await insertAccount(tally.db.sql, bank.item, { name: '=cmd|"/C calc"!A0, "quoted"' })
  await insertTransactions(tally.db.sql, odd, [{ name: 'Odd account', date: '2025-01-31', amount: '0.01' }])
  await insertTransactions(tally.db.sql, bank.credit, [
    { name: 'Card thing', date: '2025-02-20', amount: '1.00', currency: null, paymentChannel: null },
  ])
  const bob = await signUp(tally)
  const bobs = await seedBank(tally.db.sql, bob.id)
  await insertTransactions(tally.db.sql, bobs.checking, [
    { name: 'Bob only', date: '2025-02-03', amount: '7.00' },
  ])
})

async function exportCsv(user: TestUser, query = '') {
  const response = await tally.request(
    `/api/transactions/export.csv${query ? `?${query}` : ''}`,
    as(user, 'GET'),
  )
  return { response, text: await response.text() }
}

async function listed(user: TestUser, query = '') {
  const response = await tally.request(
    `/api/transactions?limit=200${query ? `&${query}` : ''}`,
    as(user, 'GET'),
  )
  return (await response.json()).transactions as Record<string, unknown>[]
}

describe('GET /api/transactions/export.csv', () => {
  test('a CSV download that must not be cached, named by today’s date', async () => {
    const { response } = await exportCsv(alice)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('cache-control')).toBe('no-store')
    const day = tally.clock.now().toISOString().slice(0, 10)
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="tally-transactions-${day}.csv"`,
    )
  })

  test('parses back to exactly the listed rows, nasty names included, amounts as plain numbers', async () => {
    const { text } = await exportCsv(alice)
    const [header, ...records] = parseCsv(text)
    expect(header).toEqual(HEADER)
    const rows = await listed(alice)
    expect(records).toHaveLength(NASTY.length + 2)
    const expected = rows.map((r) => {
      const category = r.category as { primary: string | null; detailed: string | null }
      return [
        r.id,
        r.date,
        r.authorizedDate ?? '',
        r.accountId,
        asText(r.accountName as string),
        asText(r.name as string),
        asText(r.merchantName as string | null),
        r.amount,
        r.currency ?? '',
        category.primary ?? '',
        category.detailed ?? '',
        r.paymentChannel ?? '',
        String(r.pending),
      ]
    })
    expect(records).toEqual(expected as string[][])
    // Spot checks against the raw values, not the helper above.
    const byName = new Map(records.map((r) => [r[5], r]))
    expect(byName.get('\'=HYPERLINK("http://evil.example","click")')).toBeDefined()
    expect(byName.get("'+1 555 0100")).toBeDefined()
    expect(byName.get("'@SUM(A1:A2)")).toBeDefined()
    expect(byName.get("'\tTabbed")).toBeDefined()
    expect(byName.get("'\rCarriage")).toBeDefined()
    expect(byName.get('Two\nlines')).toBeDefined()
    expect(byName.get('Windows\r\nline')).toBeDefined()
    expect(byName.get('Ünïcødé ☕ 東京 🚀')).toBeDefined()
    expect(byName.get(' leading space')).toBeDefined()
    // Negative amounts are numbers, not formulas: no apostrophe.
    const amounts = records.map((r) => r[7] as string)
    expect(amounts.some((a) => a.startsWith('-'))).toBe(true)
    for (const amount of amounts) expect(amount).toMatch(/^-?\d+\.\d{2}$/)
    expect(records.find((r) => r[5] === 'Odd account')?.[4]).toBe(`'=cmd|"/C calc"!A0, "quoted"`)
    expect(text).not.toContain('Bob only')
  })

  test('takes the list’s filters and gives the same rows', async () => {
    for (const query of [
      'category=FOOD_AND_DRINK',
      `accountId=${bank.credit.id}`,
      'from=2025-02-03&to=2025-02-08',
      `q=${encodeURIComponent('inc')}`,
      'minAmount=-5&maxAmount=100',
      'pending=true',
      `category=TRAVEL&pending=false&q=e&maxAmount=0`,
    ]) {
      const ids = parseCsv((await exportCsv(alice, query)).text)
        .slice(1)
        .map((r) => r[0])
      expect({ query, ids }).toEqual({ query, ids: (await listed(alice, query)).map((r) => r.id as string) })
    }
    const none = parseCsv((await exportCsv(alice, 'from=2030-01-01')).text)
    expect(none).toEqual([HEADER])
  })

  test('invalid filters are a 422 problem, not a CSV; no session is 401', async () => {
    const { response, text } = await exportCsv(alice, 'from=2025-03-01&to=2025-02-01')
    expect(response.status).toBe(422)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(JSON.parse(text).errors[0].path).toBe('/from')
    expect((await exportCsv(alice, 'category=nope')).response.status).toBe(422)
    expect((await tally.request('/api/transactions/export.csv')).status).toBe(401)
  })

  test('20,000 rows stream in bounded chunks, all of them exactly once and in order', async () => {
    const user = await signUp(tally)
    const { checking, credit } = await seedBank(tally.db.sql, user.id)
    await insertManyTransactions(tally.db.sql, [checking, credit], { count: 20_000 })
    const response = await tally.request('/api/transactions/export.csv', as(user, 'GET'))
    expect(response.status).toBe(200)
    const reader = (response.body as ReadableStream<Uint8Array>).getReader()
    const decoder = new TextDecoder()
    let text = ''
    let chunks = 0
    let largest = 0
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      chunks++
      largest = Math.max(largest, value.byteLength)
      text += decoder.decode(value, { stream: true })
    }
    // One chunk per 1,000-row batch (plus the header): the export never holds more than a batch.
    expect(chunks).toBeGreaterThanOrEqual(20)
    expect(largest).toBeLessThan(1000 * 400)
    const [header, ...records] = parseCsv(text)
    expect(header).toEqual(HEADER)
    expect(records).toHaveLength(20_000)
    expect(new Set(records.map((r) => r[0])).size).toBe(20_000)
    const outOfOrder = records.findIndex((b, i) => {
      const a = records[i - 1]
      return (
        a !== undefined &&
        !((a[1] as string) > (b[1] as string) || (a[1] === b[1] && (a[0] as string) > (b[0] as string)))
      )
    })
    expect(outOfOrder).toBe(-1)
  })
})
