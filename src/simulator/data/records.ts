import { deterministicId } from '../ids.ts'
import type { Blueprint } from './blueprint.ts'
import type { Descriptor } from './descriptors.ts'
import type { Planned } from './plan.ts'

/** How a pending transaction resolves when its day comes. */
export type Settlement = {
  readonly day: number
  readonly amountCents: number
  readonly postedId: string
  /** The authorization is reversed: the pending transaction is removed and nothing posts. */
  readonly dropped: boolean
}

/**
 * One transaction as the simulated bank holds it. Immutable: a change replaces the record, which
 * lets the ledger see the before and after of every change.
 */
export type TxRecord = {
  readonly id: string
  readonly accountIndex: number
  /** Plaid's sign convention: positive is money out of the account. */
  readonly amountCents: number
  readonly day: number
  readonly authorizedDay: number | null
  readonly pending: boolean
  readonly pendingTransactionId: string | null
  readonly descriptor: Descriptor
  readonly originalDescription: string | null
  readonly settlement: Settlement | null
}

function ids(blueprint: Blueprint, planned: Planned) {
  const labels = [blueprint.seed, blueprint.serial, 'tx', planned.day, planned.key] as const
  return { pendingId: deterministicId(...labels, 'pending'), postedId: deterministicId(...labels, 'posted') }
}

/**
 * The record a planned transaction is as of `today`: posted, still pending, or gone (an
 * authorization that was reversed before today). `amountCents` overrides both amounts (card payments).
 */
export function materialize(
  blueprint: Blueprint,
  planned: Planned,
  today: number,
  amountCents?: number,
): TxRecord | null {
  const { pendingId, postedId } = ids(blueprint, planned)
  const authorized = amountCents ?? planned.amountCents
  const final = amountCents ?? planned.postedAmountCents
  const base = {
    accountIndex: planned.accountIndex,
    authorizedDay: planned.day,
    descriptor: planned.descriptor,
    originalDescription: planned.descriptor.name.toUpperCase(),
    settlement: null,
  }
  if (planned.lag === 0) {
    return {
      ...base,
      id: postedId,
      amountCents: final,
      day: planned.day,
      pending: false,
      pendingTransactionId: null,
    }
  }
  const postDay = planned.day + planned.lag
  if (postDay <= today) {
    if (planned.dropped) return null
    return {
      ...base,
      id: postedId,
      amountCents: final,
      day: postDay,
      pending: false,
      pendingTransactionId: pendingId,
    }
  }
  return {
    ...base,
    id: pendingId,
    amountCents: authorized,
    day: planned.day,
    pending: true,
    pendingTransactionId: null,
    settlement: { day: postDay, amountCents: final, postedId, dropped: planned.dropped },
  }
}

/** The posted transaction that replaces a pending one, or null when the authorization is reversed. */
export function settle(pending: TxRecord): TxRecord | null {
  const settlement = pending.settlement
  if (!settlement || settlement.dropped) return null
  return {
    ...pending,
    id: settlement.postedId,
    amountCents: settlement.amountCents,
    day: settlement.day,
    pending: false,
    pendingTransactionId: pending.id,
    settlement: null,
  }
}
