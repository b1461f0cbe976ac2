import { calendar } from '../dates.ts'
import { createRandom, type Random } from '../random.ts'
import { type Blueprint, CARD, CHECKING, SAVINGS } from './blueprint.ts'
import type { Descriptor } from './descriptors.ts'
import { MERCHANTS, type MerchantSpec } from './merchants.ts'

/**
 * A transaction as the bank's day produced it, before it is known whether it is still pending.
 * `lag` is how many days the authorization stays pending before it posts (0 = posts at once).
 */
export type Planned = {
  /** Unique within its day; with seed, item and day it makes the transaction's ids. */
  readonly key: string
  readonly accountIndex: number
  readonly day: number
  readonly lag: number
  readonly amountCents: number
  readonly postedAmountCents: number
  /** Authorization reversed: the pending transaction disappears instead of posting. */
  readonly dropped: boolean
  readonly descriptor: Descriptor
  /** A credit card payment: its amount is the card's posted balance when it is made. */
  readonly cardPayment: boolean
}

function posted(
  key: string,
  accountIndex: number,
  day: number,
  cents: number,
  descriptor: Descriptor,
): Planned {
  return {
    key,
    accountIndex,
    day,
    lag: 0,
    amountCents: cents,
    postedAmountCents: cents,
    dropped: false,
    descriptor,
    cardPayment: false,
  }
}

/** Pay, rent, bills, subscriptions, savings transfers, interest and the card payment due on `day`. */
export function planScheduled(blueprint: Blueprint, day: number): Planned[] {
  const { profile, merchants, seed, serial } = blueprint
  const date = calendar(day)
  const random = createRandom(seed, serial, 'scheduled', day)
  const planned: Planned[] = []
  const fortnight = Math.floor((day - 1) / 7) % 2 // 1970-01-02 was a Friday
  if (date.weekday === 5 && fortnight === profile.paydayParity) {
    // Net pay wobbles by a few dollars (overtime, deductions); negative is money in.
    const cents = profile.salaryCents + random.int(-1500, 1500)
    planned.push(posted('payroll', CHECKING, day, -cents, merchants.payroll))
  }
  if (date.dayOfMonth === 1)
    planned.push(posted('rent', CHECKING, day, profile.rentCents, merchants.recurring.rent))
  if (date.dayOfMonth === profile.electricityDay) {
    // Winter and summer bills run higher.
    const seasonal = [1.5, 1.4, 1.1, 0.9, 0.8, 1.0, 1.3, 1.35, 1.0, 0.85, 1.1, 1.45][date.month] ?? 1
    const cents = Math.round(random.int(55_00, 95_00) * seasonal)
    planned.push(posted('electricity', CHECKING, day, cents, merchants.recurring.electricity))
  }
  if (date.dayOfMonth === profile.insuranceDay) {
    planned.push(posted('insurance', CHECKING, day, profile.insuranceCents, merchants.recurring.insurance))
  }
  if (date.dayOfMonth === 5) {
    const cents = profile.savingsTransferCents
    planned.push(posted('to-savings', CHECKING, day, cents, merchants.recurring.toSavings))
    planned.push(posted('from-checking', SAVINGS, day, -cents, merchants.recurring.fromChecking))
  }
  if (date.dayOfMonth === date.daysInMonth) {
    planned.push(posted('interest', SAVINGS, day, -random.int(40, 450), merchants.recurring.interest))
  }
  for (const subscription of profile.subscriptions) {
    if (Math.min(subscription.dayOfMonth, date.daysInMonth) !== date.dayOfMonth) continue
    planned.push({
      ...posted(subscription.key, CARD, day, subscription.cents, merchants.recurring[subscription.key]),
      lag: 1,
    })
  }
  if (date.dayOfMonth === profile.cardPaymentDay) {
    planned.push({
      ...posted('card-payment-out', CHECKING, day, 0, merchants.recurring.cardPaymentOut),
      cardPayment: true,
    })
    planned.push({
      ...posted('card-payment-in', CARD, day, 0, merchants.recurring.cardPaymentIn),
      cardPayment: true,
    })
  }
  return planned
}

function naturalPurchaseCount(random: Random, weekday: number): number {
  const weekend = weekday === 0 || weekday === 6
  return random.int(0, 3) + (weekend ? 1 : 0)
}

function purchase(blueprint: Blueprint, random: Random, day: number, key: string): Planned {
  const spec: MerchantSpec = random.weighted(MERCHANTS)
  const descriptor = blueprint.merchants.purchases.get(spec.key)
  if (!descriptor) throw new Error(`merchant ${spec.key} missing from the item's book`)
  const onCard =
    spec.funding === 'card' || (spec.funding === 'either' && !random.chance(blueprint.profile.debitShare))
  let cents = random.int(spec.minCents, spec.maxCents)
  if (spec.roundTo) cents = Math.max(spec.roundTo, Math.round(cents / spec.roundTo) * spec.roundTo)
  const tip = spec.tipped ? Math.round((cents * random.int(15, 22)) / 100) : 0
  // Online orders take longer to settle than card-present ones; cash posts at once.
  const lag = spec.key === 'atm' ? 0 : spec.channel === 'online' ? random.int(1, 4) : random.int(1, 3)
  return {
    key,
    accountIndex: onCard ? CARD : CHECKING,
    day,
    lag,
    amountCents: cents,
    postedAmountCents: cents + tip,
    dropped: lag > 0 && random.chance(0.02),
    descriptor,
    cardPayment: false,
  }
}

/**
 * Everyday purchases on `day`: a natural number of them, or exactly `count` when sizing an item.
 * `stream` separates independent draws on the same day (e.g. each /transactions/refresh).
 */
export function planPurchases(blueprint: Blueprint, day: number, count?: number, stream = 'p'): Planned[] {
  const random = createRandom(blueprint.seed, blueprint.serial, 'purchases', stream, day)
  const n = count ?? naturalPurchaseCount(random, calendar(day).weekday)
  const planned: Planned[] = []
  for (let i = 0; i < n; i++) planned.push(purchase(blueprint, random, day, `${stream}${i}`))
  return planned
}
