import type { Location } from 'plaid'
import type { Category, ConfidenceLevel } from './taxonomy.ts'

export type PaymentChannel = 'online' | 'in store' | 'other'
export type TransactionKind = 'digital' | 'place' | 'special' | 'unresolved'

/**
 * Everything about a transaction that is not its amount or dates: who, what, where. Catalog
 * transactions share one descriptor object per merchant and item, which keeps 100,000-transaction
 * items small in memory.
 */
export type Descriptor = {
  readonly name: string
  readonly merchantName: string | null
  readonly category: Category
  readonly confidence: ConfidenceLevel
  readonly channel: PaymentChannel
  readonly website: string | null
  readonly merchantEntityId: string | null
  readonly location: Location
  readonly kind: TransactionKind
}

export const NO_LOCATION: Location = Object.freeze({
  address: null,
  city: null,
  region: null,
  postal_code: null,
  country: null,
  lat: null,
  lon: null,
  store_number: null,
})
