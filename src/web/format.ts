const formats = new Map<string, Intl.NumberFormat>()

function moneyFormat(currency: string | null, signed: boolean): Intl.NumberFormat {
  const key = `${currency}|${signed}`
  let format = formats.get(key)
  if (!format) {
    format = new Intl.NumberFormat(undefined, {
      style: currency ? 'currency' : 'decimal',
      ...(currency ? { currency } : { minimumFractionDigits: 2 }),
      ...(signed ? { signDisplay: 'exceptZero' } : {}),
    })
    formats.set(key, format)
  }
  return format
}

/**
 * Formats a decimal string exactly: Intl.NumberFormat takes the string itself, so no float rounding
 * happens on the way (the API's amounts are never parsed into numbers for display).
 */
export function money(amount: string | null | undefined, currency: string | null, signed = false): string {
  if (amount === null || amount === undefined) return '—'
  return moneyFormat(currency, signed).format(amount as unknown as number)
}

/** Plaid's sign is positive for money out; people expect money out to read as negative. */
export function flow(amount: string): string {
  if (/^-?0+(\.0+)?$/.test(amount)) return amount.replace('-', '')
  return amount.startsWith('-') ? amount.slice(1) : `-${amount}`
}

/** Exact difference of two decimal strings with two decimals, via integer cents. */
export function subtract(a: string, b: string): string {
  const cents = (value: string) => BigInt(value.replace('.', ''))
  const difference = cents(a) - cents(b)
  const negative = difference < 0n
  const digits = (negative ? -difference : difference).toString().padStart(3, '0')
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' })
const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const monthFormat = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' })
const shortMonth = new Intl.DateTimeFormat(undefined, { month: 'short', timeZone: 'UTC' })

/** YYYY-MM-DD, a calendar date: shown as is, whatever the browser's time zone. */
export const day = (date: string) => dateFormat.format(new Date(`${date}T00:00:00Z`))
export const dateTime = (iso: string | null) => (iso ? timeFormat.format(new Date(iso)) : 'never')
/** YYYY-MM */
export const month = (value: string, short = false) =>
  (short ? shortMonth : monthFormat).format(new Date(`${value}-01T00:00:00Z`))

/** FOOD_AND_DRINK → Food and drink */
export function categoryLabel(category: string | null): string {
  if (!category) return 'Uncategorized'
  const words = category.toLowerCase().replaceAll('_', ' ')
  return words.charAt(0).toUpperCase() + words.slice(1)
}

export function relativeTime(iso: string | null): string {
  if (!iso) return 'never'
  const seconds = Math.round((Date.parse(iso) - Date.now()) / 1000)
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ]
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })
  for (const [unit, size] of units)
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit)
  return 'just now'
}
