import { CARD } from './data/blueprint.ts'
import { type Planned, planPurchases, planScheduled } from './data/plan.ts'
import { materialize, settle, type TxRecord } from './data/records.ts'
import { balancesOf, type ItemState } from './item.ts'
import type { Mutator } from './ledger.ts'
import { createRandom } from './random.ts'

/**
 * The bank's life after linking: as simulated days pass, pending transactions post (replaced by a
 * posted transaction naming them in `pending_transaction_id`) or are reversed (removed), the day's
 * pay, bills and purchases arrive, and now and then a merchant adjusts a pending amount (modified).
 */
function addPlanned(
  item: ItemState,
  mutator: Mutator<TxRecord>,
  planned: readonly Planned[],
  day: number,
): void {
  const included = (index: number) => item.accounts.some((account) => account.index === index)
  const card = item.accounts.find((account) => account.index === CARD)
  // Read before either leg posts, so both legs of a payment carry the same amount.
  const owed = card ? balancesOf(card).currentCents : 0
  for (const entry of planned) {
    let amount: number | undefined
    if (entry.cardPayment) {
      if (!card || owed <= 0) continue
      amount = entry.accountIndex === CARD ? -owed : owed
    }
    if (!included(entry.accountIndex)) continue
    const record = materialize(item.blueprint, entry, day, amount)
    if (record && !mutator.known(record.id)) mutator.insert(record)
  }
}

function settleDue(item: ItemState, mutator: Mutator<TxRecord>, day: number): void {
  const due = [...item.pending.values()].filter((record) => record.settlement && record.settlement.day <= day)
  for (const record of due) {
    mutator.remove(record.id)
    const posted = settle(record)
    if (posted) mutator.insert(posted)
  }
}

function adjustOnePending(item: ItemState, mutator: Mutator<TxRecord>, day: number): void {
  const random = createRandom(item.blueprint.seed, item.blueprint.serial, 'adjust', day)
  if (!random.chance(0.25) || item.pending.size === 0) return
  const candidates = [...item.pending.values()].filter((record) => record.amountCents > 0)
  if (candidates.length === 0) return
  const record = random.pick(candidates)
  const delta = Math.max(1, Math.round((record.amountCents * random.int(1, 6)) / 100))
  mutator.replace({ ...record, amountCents: record.amountCents + delta })
}

/** Generates every simulated day up to `today`; returns how many transactions changed. */
export function advanceItem(item: ItemState, today: number): number {
  if (item.removed || today <= item.generatedThrough) return 0
  const from = item.generatedThrough + 1
  item.generatedThrough = today
  return item.ledger.batch((mutator) => {
    for (let day = from; day <= today; day++) {
      settleDue(item, mutator, day)
      addPlanned(item, mutator, planScheduled(item.blueprint, day), day)
      addPlanned(item, mutator, planPurchases(item.blueprint, day), day)
      adjustOnePending(item, mutator, day)
    }
  })
}

/** /transactions/refresh: catch up, then the bank reports a few more of today's card swipes. */
export function refreshItem(item: ItemState, today: number): number {
  const caughtUp = advanceItem(item, today)
  const random = createRandom(item.blueprint.seed, item.blueprint.serial, 'refresh', item.refreshes)
  const stream = `r${item.refreshes}-`
  item.refreshes++
  const fresh = item.ledger.batch((mutator) => {
    addPlanned(item, mutator, planPurchases(item.blueprint, today, random.int(1, 3), stream), today)
  })
  return caughtUp + fresh
}
