/** Dates inside the simulator are whole UTC days since the Unix epoch, which makes date arithmetic trivial. */
export const DAY_MS = 86_400_000

export function dayOf(date: Date): number {
  return Math.floor(date.getTime() / DAY_MS)
}

export function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10)
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

export function parseIsoDay(text: string): number | null {
  if (!ISO_DATE.test(text)) return null
  const time = Date.parse(`${text}T00:00:00Z`)
  if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== text) return null
  return Math.floor(time / DAY_MS)
}

export type CalendarDay = {
  readonly year: number
  /** 0-11 */
  readonly month: number
  /** 1-31 */
  readonly dayOfMonth: number
  /** 0 = Sunday */
  readonly weekday: number
  readonly daysInMonth: number
}

export function calendar(day: number): CalendarDay {
  const date = new Date(day * DAY_MS)
  const year = date.getUTCFullYear()
  const month = date.getUTCMonth()
  return {
    year,
    month,
    dayOfMonth: date.getUTCDate(),
    weekday: date.getUTCDay(),
    daysInMonth: new Date(Date.UTC(year, month + 1, 0)).getUTCDate(),
  }
}
