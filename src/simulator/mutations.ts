import { type Descriptor, NO_LOCATION, type PaymentChannel } from './data/descriptors.ts'
import type { TxRecord } from './data/records.ts'
import type { Category } from './data/taxonomy.ts'
import { deterministicId } from './ids.ts'
import type { ItemState } from './item.ts'

/** Hand-made changes to an item's transactions, for tests and demos (the control API). */

export type ManualTransaction = {
  readonly accountIndex: number
  readonly amountCents: number
  readonly day: number
  readonly name: string
  readonly merchantName: string | null
  readonly category: Category
  readonly channel: PaymentChannel
  readonly pending: boolean
}

export type TransactionPatch = {
  readonly amountCents?: number | undefined
  readonly day?: number | undefined
  readonly name?: string | undefined
  readonly merchantName?: string | null | undefined
  readonly category?: Category | undefined
  readonly channel?: PaymentChannel | undefined
}

/** Manually added pending transactions post after this many simulated days. */
export const MANUAL_PENDING_DAYS = 2

function describe(
  base: Omit<Descriptor, 'location' | 'kind' | 'confidence' | 'website' | 'merchantEntityId'>,
): Descriptor {
  return {
    ...base,
    confidence: 'HIGH',
    website: null,
    merchantEntityId: base.merchantName ? deterministicId('merchant', base.merchantName) : null,
    location: NO_LOCATION,
    kind: base.channel === 'online' ? 'digital' : base.channel === 'in store' ? 'place' : 'special',
  }
}

export function addTransaction(item: ItemState, input: ManualTransaction): TxRecord {
  const sequence = item.manualSequence++
  const labels = [item.blueprint.seed, item.serial, 'manual', sequence] as const
  const descriptor = describe({
    name: input.name,
    merchantName: input.merchantName,
    category: input.category,
    channel: input.channel,
  })
  const record: TxRecord = {
    id: deterministicId(...labels, input.pending ? 'pending' : 'posted'),
    accountIndex: input.accountIndex,
    amountCents: input.amountCents,
    day: input.day,
    authorizedDay: input.day,
    pending: input.pending,
    pendingTransactionId: null,
    descriptor,
    originalDescription: input.name.toUpperCase(),
    settlement: input.pending
      ? {
          day: input.day + MANUAL_PENDING_DAYS,
          amountCents: input.amountCents,
          postedId: deterministicId(...labels, 'posted'),
          dropped: false,
        }
      : null,
  }
  item.ledger.batch((mutator) => mutator.insert(record))
  return record
}

export function modifyTransaction(
  item: ItemState,
  id: string,
  patch: TransactionPatch,
): TxRecord | undefined {
  const current = item.ledger.get(id)
  if (!current) return undefined
  const descriptor = describe({
    name: patch.name ?? current.descriptor.name,
    merchantName: patch.merchantName === undefined ? current.descriptor.merchantName : patch.merchantName,
    category: patch.category ?? current.descriptor.category,
    channel: patch.channel ?? current.descriptor.channel,
  })
  const amountCents = patch.amountCents ?? current.amountCents
  const next: TxRecord = {
    ...current,
    amountCents,
    day: patch.day ?? current.day,
    descriptor,
    // A pending amount change carries through to what posts.
    settlement:
      current.settlement && patch.amountCents !== undefined
        ? { ...current.settlement, amountCents }
        : current.settlement,
  }
  item.ledger.batch((mutator) => mutator.replace(next))
  return next
}

export function removeTransaction(item: ItemState, id: string): boolean {
  if (!item.ledger.get(id)) return false
  item.ledger.batch((mutator) => mutator.remove(id))
  return true
}

/** Posts a pending transaction now: removed, and replaced by a posted one naming it, as Plaid reports it. */
export function postTransaction(item: ItemState, id: string, day: number): TxRecord | undefined {
  const pending = item.ledger.get(id)
  if (!pending?.pending || !pending.settlement) return undefined
  const posted: TxRecord = {
    ...pending,
    id: pending.settlement.postedId,
    amountCents: pending.settlement.amountCents,
    day: Math.max(day, pending.day),
    pending: false,
    pendingTransactionId: pending.id,
    settlement: null,
  }
  item.ledger.batch((mutator) => {
    mutator.remove(pending.id)
    mutator.insert(posted)
  })
  return posted
}
