import { deterministicId } from '../ids.ts'
import { createRandom } from '../random.ts'
import { createMerchantBook, type MerchantBook, type RecurringKey } from './merchants.ts'

export const CHECKING = 0
export const SAVINGS = 1
export const CARD = 2

export type AccountBlueprint = {
  readonly index: number
  readonly id: string
  readonly name: string
  readonly officialName: string
  readonly mask: string
  readonly type: 'depository' | 'credit'
  readonly subtype: 'checking' | 'savings' | 'credit card'
  readonly limitCents: number | null
}

export type Subscription = { readonly key: RecurringKey; readonly dayOfMonth: number; readonly cents: number }

/** The household behind an item: pay, rent, bills and habits, all seeded per item. */
export type Profile = {
  readonly salaryCents: number
  /** Payday is every other Friday; this picks which ones. */
  readonly paydayParity: 0 | 1
  readonly rentCents: number
  readonly electricityDay: number
  readonly insuranceDay: number
  readonly insuranceCents: number
  readonly savingsTransferCents: number
  readonly cardPaymentDay: number
  readonly subscriptions: readonly Subscription[]
  /** Lowest balance the history lets checking and savings reach. */
  readonly checkingFloorCents: number
  readonly savingsFloorCents: number
  /** Share of everyday purchases paid by debit card from checking rather than by credit card. */
  readonly debitShare: number
}

export type Blueprint = {
  readonly seed: number
  readonly serial: number
  readonly accounts: readonly AccountBlueprint[]
  readonly profile: Profile
  readonly merchants: MerchantBook
}

/** Names and masks follow Plaid Sandbox's `user_good` accounts so screenshots look familiar. */
export function createBlueprint(seed: number, serial: number): Blueprint {
  const random = createRandom(seed, serial, 'profile')
  const accounts: AccountBlueprint[] = [
    {
      index: CHECKING,
      id: deterministicId(seed, serial, 'account', CHECKING),
      name: 'Plaid Checking',
      officialName: 'Plaid Gold Standard 0% Interest Checking',
      mask: '0000',
      type: 'depository',
      subtype: 'checking',
      limitCents: null,
    },
    {
      index: SAVINGS,
      id: deterministicId(seed, serial, 'account', SAVINGS),
      name: 'Plaid Saving',
      officialName: 'Plaid Silver Standard 0.1% Interest Saving',
      mask: '1111',
      type: 'depository',
      subtype: 'savings',
      limitCents: null,
    },
    {
      index: CARD,
      id: deterministicId(seed, serial, 'account', CARD),
      name: 'Plaid Credit Card',
      officialName: 'Plaid Diamond 12.5% APR Interest Credit Card',
      mask: '3333',
      type: 'credit',
      subtype: 'credit card',
      limitCents: random.pick([800_000, 1_200_000, 1_500_000, 2_000_000]),
    },
  ]
  const profile: Profile = {
    salaryCents: random.int(2_100_00, 3_400_00),
    paydayParity: random.chance(0.5) ? 0 : 1,
    rentCents: random.int(12, 24) * 100_00 + random.pick([0, 25_00, 50_00, 75_00]),
    electricityDay: random.int(10, 18),
    insuranceDay: random.int(19, 23),
    insuranceCents: random.int(85_00, 140_00),
    savingsTransferCents: random.pick([100_00, 200_00, 250_00, 300_00, 500_00]),
    cardPaymentDay: random.int(20, 27),
    subscriptions: [
      { key: 'netflix', dayOfMonth: random.int(1, 28), cents: random.pick([6_99, 15_49, 22_99]) },
      { key: 'spotify', dayOfMonth: random.int(1, 28), cents: random.pick([10_99, 16_99]) },
      { key: 'phone', dayOfMonth: random.int(1, 28), cents: random.int(45_00, 95_00) },
      { key: 'internet', dayOfMonth: random.int(1, 28), cents: random.pick([59_99, 79_99, 89_99]) },
      { key: 'gym', dayOfMonth: random.int(1, 28), cents: random.pick([24_99, 79_00, 95_00]) },
    ],
    checkingFloorCents: random.int(500_00, 2_500_00),
    savingsFloorCents: random.int(1_000_00, 15_000_00),
    debitShare: 0.25,
  }
  return { seed, serial, accounts, profile, merchants: createMerchantBook(seed, serial) }
}
