import { type Blueprint, CARD } from './blueprint.ts'
import { type Planned, planPurchases, planScheduled } from './plan.ts'
import { materialize, type TxRecord } from './records.ts'

export const HISTORY_DAYS = 730

export type History = {
  /** Current transactions, oldest first by date. */
  readonly records: TxRecord[]
  /** Balance each account had before its oldest transaction (credit: amount owed). */
  readonly openingCents: number[]
}

export type HistoryOptions = {
  /** Exactly this many current transactions (benchmarks); otherwise a natural two years. */
  readonly transactionCount?: number | undefined
  readonly days?: number
}

function scheduledCount(blueprint: Blueprint, first: number, today: number): number {
  let count = 0
  for (let day = first; day <= today; day++) count += planScheduled(blueprint, day).length
  return count
}

function replay(
  blueprint: Blueprint,
  first: number,
  today: number,
  purchasesOn: (offset: number) => number | undefined,
) {
  const records: TxRecord[] = []
  // Card postings land on later days; the payment pays what has posted by its day.
  const cardPostings = new Map<number, number>()
  let cardOwed = 0
  const keep = (record: TxRecord | null) => {
    if (!record) return
    records.push(record)
    if (record.accountIndex !== CARD || record.pending) return
    cardPostings.set(record.day, (cardPostings.get(record.day) ?? 0) + record.amountCents)
  }
  for (let day = first; day <= today; day++) {
    cardOwed += cardPostings.get(day) ?? 0
    cardPostings.delete(day)
    const planned: Planned[] = planScheduled(blueprint, day)
    const payment = cardOwed
    for (const item of planned) {
      if (!item.cardPayment) {
        keep(materialize(blueprint, item, today))
        continue
      }
      if (payment <= 0) continue
      const signed = item.accountIndex === CARD ? -payment : payment
      keep(materialize(blueprint, item, today, signed))
    }
    // The card leg posts today; count it now so later purchases see the paid-down balance.
    cardOwed += cardPostings.get(day) ?? 0
    cardPostings.delete(day)
    for (const item of planPurchases(blueprint, day, purchasesOn(day - first)))
      keep(materialize(blueprint, item, today))
  }
  return records
}

/** Opening balances that keep the past believable: deposits never dip below the household's floor. */
function openingBalances(blueprint: Blueprint, records: readonly TxRecord[]): number[] {
  const running = blueprint.accounts.map(() => 0)
  const extreme = blueprint.accounts.map(() => 0)
  for (const record of records) {
    if (record.pending) continue
    const index = record.accountIndex
    const value = (running[index] ?? 0) + record.amountCents
    running[index] = value
    if (blueprint.accounts[index]?.type === 'credit') extreme[index] = Math.min(extreme[index] ?? 0, value)
    else extreme[index] = Math.max(extreme[index] ?? 0, value)
  }
  return blueprint.accounts.map((account) => {
    const worst = extreme[account.index] ?? 0
    if (account.type === 'credit') return worst === 0 ? 0 : -worst
    const floor =
      account.subtype === 'savings'
        ? blueprint.profile.savingsFloorCents
        : blueprint.profile.checkingFloorCents
    return floor + worst
  })
}

/** The item's past as of `today`: deterministic for (seed, item serial, today, options). */
export function generateHistory(blueprint: Blueprint, today: number, options: HistoryOptions = {}): History {
  const days = options.days ?? HISTORY_DAYS
  const first = today - days + 1
  const target = options.transactionCount
  let records: TxRecord[]
  if (target === undefined) {
    records = replay(blueprint, first, today, () => undefined)
  } else {
    const skeleton = scheduledCount(blueprint, first, today)
    // A few purchases vanish (reversed authorizations), so plan slightly more and trim the oldest.
    let purchases = Math.max(0, Math.ceil((target - skeleton) / 0.97) + 8)
    for (;;) {
      const total = purchases
      records = replay(
        blueprint,
        first,
        today,
        (offset) => Math.floor(((offset + 1) * total) / days) - Math.floor((offset * total) / days),
      )
      if (records.length >= target || purchases > target * 2 + 100) break
      purchases += Math.ceil((target - records.length) * 1.05) + 8
    }
    records.sort((a, b) => a.day - b.day)
    if (records.length > target) records = records.slice(records.length - target)
  }
  records.sort((a, b) => a.day - b.day)
  return { records, openingCents: openingBalances(blueprint, records) }
}
