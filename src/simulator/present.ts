import {
  type AccountBase,
  type AccountSubtype,
  type AccountType,
  CounterpartyType,
  type Item,
  ItemUpdateTypeEnum,
  type ItemWithConsentFields,
  ItemWithConsentFieldsUpdateTypeEnum,
  type PlaidError,
  type Products,
  type RemovedTransaction,
  type Transaction,
  type TransactionPaymentChannelEnum,
  type TransactionTransactionTypeEnum,
} from 'plaid'
import type { TxRecord } from './data/records.ts'
import { isoDay } from './dates.ts'
import { type AccountState, balancesOf, type ItemState } from './item.ts'
import { centsToAmount } from './money.ts'

/** The simulator's state in Plaid's wire shapes, typed by the official client so names cannot drift. */

export function presentAccount(account: AccountState): AccountBase {
  const balances = balancesOf(account)
  return {
    account_id: account.id,
    balances: {
      available: centsToAmount(balances.availableCents),
      current: centsToAmount(balances.currentCents),
      limit: balances.limitCents === null ? null : centsToAmount(balances.limitCents),
      iso_currency_code: 'USD',
      unofficial_currency_code: null,
    },
    mask: account.mask,
    name: account.name,
    official_name: account.officialName,
    type: account.type as AccountType,
    subtype: account.subtype as AccountSubtype,
  }
}

export type TransactionView = { includeOriginalDescription?: boolean | null | undefined }

const EMPTY_PAYMENT_META = {
  reference_number: null,
  ppd_id: null,
  payee: null,
  by_order_of: null,
  payer: null,
  payment_method: null,
  payment_processor: null,
  reason: null,
} as const

export function presentTransaction(
  item: ItemState,
  record: TxRecord,
  view: TransactionView = {},
): Transaction {
  const account = item.accounts.find((candidate) => candidate.index === record.accountIndex)
  const { descriptor } = record
  return {
    account_id: account?.id ?? '',
    account_owner: null,
    amount: centsToAmount(record.amountCents),
    iso_currency_code: 'USD',
    unofficial_currency_code: null,
    check_number: null,
    counterparties: descriptor.merchantName
      ? [
          {
            name: descriptor.merchantName,
            type: CounterpartyType.Merchant,
            logo_url: null,
            website: descriptor.website,
            entity_id: descriptor.merchantEntityId,
            confidence_level: 'VERY_HIGH',
          },
        ]
      : [],
    date: isoDay(record.day),
    datetime: null,
    authorized_date: record.authorizedDay === null ? null : isoDay(record.authorizedDay),
    authorized_datetime: null,
    location: { ...descriptor.location },
    merchant_name: descriptor.merchantName,
    merchant_entity_id: descriptor.merchantEntityId,
    logo_url: null,
    website: descriptor.website,
    name: descriptor.name,
    original_description: view.includeOriginalDescription ? record.originalDescription : null,
    payment_channel: descriptor.channel as TransactionPaymentChannelEnum,
    payment_meta: { ...EMPTY_PAYMENT_META },
    pending: record.pending,
    pending_transaction_id: record.pendingTransactionId,
    personal_finance_category: {
      primary: descriptor.category.primary,
      detailed: descriptor.category.detailed,
      confidence_level: descriptor.confidence,
    },
    transaction_code: null,
    transaction_id: record.id,
    transaction_type: descriptor.kind as TransactionTransactionTypeEnum,
  }
}

export function presentRemoved(item: ItemState, record: TxRecord): RemovedTransaction {
  const account = item.accounts.find((candidate) => candidate.index === record.accountIndex)
  return { transaction_id: record.id, account_id: account?.id ?? '' }
}

export function presentItem(item: ItemState): Item {
  const products = [...item.products] as Products[]
  return {
    item_id: item.itemId,
    institution_id: item.institution.institution_id,
    institution_name: item.institution.name,
    webhook: item.webhook,
    auth_method: null,
    error: item.error as PlaidError | null,
    available_products: (['balance', 'identity', 'investments', 'liabilities'] as Products[]).filter(
      (product) => !products.includes(product),
    ),
    billed_products: products,
    products,
    consented_products: products,
    consent_expiration_time: item.consentExpirationTime,
    update_type: ItemUpdateTypeEnum.Background,
  }
}

export function presentItemWithConsent(item: ItemState): ItemWithConsentFields {
  return {
    ...presentItem(item),
    update_type: ItemWithConsentFieldsUpdateTypeEnum.Background,
    created_at: item.createdAt.toISOString(),
  }
}
