import { type AccountBlueprint, type Blueprint, createBlueprint } from './data/blueprint.ts'
import { generateHistory } from './data/history.ts'
import type { InstitutionDefinition } from './data/institutions.ts'
import type { TxRecord } from './data/records.ts'
import type { PlaidErrorBody } from './errors.ts'
import { deterministicId } from './ids.ts'
import { createLedger, type Ledger } from './ledger.ts'

export type AccountState = AccountBlueprint & {
  readonly openingCents: number
  /** Sum of posted amounts (Plaid's sign: positive is money out). */
  postedCents: number
  /** Sum of pending outflows, which hold back available funds. */
  pendingOutCents: number
}

export type ItemState = {
  readonly serial: number
  readonly itemId: string
  readonly institution: InstitutionDefinition
  readonly blueprint: Blueprint
  readonly accounts: readonly AccountState[]
  readonly products: readonly string[]
  readonly createdAt: Date
  readonly userId: string | null
  ledger: Ledger<TxRecord>
  /** Pending transactions by id: the ones the passage of time will settle. */
  readonly pending: Map<string, TxRecord>
  webhook: string | null
  error: PlaidErrorBody | null
  consentExpirationTime: string | null
  /** Last simulated day whose activity has been generated. */
  generatedThrough: number
  refreshes: number
  manualSequence: number
  removed: boolean
  lastWebhook: { sentAt: string; code: string } | null
  lastSuccessfulUpdate: string
  lastFailedUpdate: string | null
}

export type CreateItemInput = {
  readonly seed: number
  readonly serial: number
  readonly institution: InstitutionDefinition
  readonly products: readonly string[]
  readonly webhook: string | null
  readonly today: number
  readonly now: Date
  readonly transactionCount?: number | undefined
  /** Indexes of the accounts the user chose in Link; all when absent. */
  readonly accountIndexes?: readonly number[] | undefined
  readonly userId?: string | null | undefined
}

export function createItemState(input: CreateItemInput): ItemState {
  const blueprint = createBlueprint(input.seed, input.serial)
  const history = generateHistory(blueprint, input.today, { transactionCount: input.transactionCount })
  const chosen = new Set(input.accountIndexes ?? blueprint.accounts.map((account) => account.index))
  const accounts: AccountState[] = blueprint.accounts
    .filter((account) => chosen.has(account.index))
    .map((account) => ({
      ...account,
      openingCents: history.openingCents[account.index] ?? 0,
      postedCents: 0,
      pendingOutCents: 0,
    }))
  const byIndex = new Map(accounts.map((account) => [account.index, account]))
  const pending = new Map<string, TxRecord>()
  // Balances are kept as running sums of the ledger's changes, so they can never disagree with it.
  const account = (record: TxRecord) => byIndex.get(record.accountIndex)
  const apply = (record: TxRecord, sign: 1 | -1) => {
    const target = account(record)
    if (!target) return
    if (!record.pending) target.postedCents += sign * record.amountCents
    else if (record.amountCents > 0) target.pendingOutCents += sign * record.amountCents
    if (record.pending) {
      if (sign > 0) pending.set(record.id, record)
      else pending.delete(record.id)
    }
  }
  const ledger = createLedger<TxRecord>(({ before, after }) => {
    if (before) apply(before, -1)
    if (after) apply(after, 1)
  })
  ledger.batch((mutator) => {
    for (const record of history.records) if (byIndex.has(record.accountIndex)) mutator.insert(record)
  })
  const now = input.now.toISOString()
  return {
    serial: input.serial,
    itemId: deterministicId(input.seed, input.serial, 'item', input.institution.institution_id),
    institution: input.institution,
    blueprint,
    accounts,
    products: input.products,
    createdAt: input.now,
    userId: input.userId ?? null,
    ledger,
    pending,
    webhook: input.webhook,
    error: null,
    consentExpirationTime: null,
    generatedThrough: input.today,
    refreshes: 0,
    manualSequence: 0,
    removed: false,
    lastWebhook: null,
    lastSuccessfulUpdate: now,
    lastFailedUpdate: null,
  }
}

export type Balances = { currentCents: number; availableCents: number; limitCents: number | null }

export function balancesOf(account: AccountState): Balances {
  if (account.type === 'credit') {
    const owed = account.openingCents + account.postedCents
    const limit = account.limitCents ?? 0
    return { currentCents: owed, availableCents: limit - owed - account.pendingOutCents, limitCents: limit }
  }
  const current = account.openingCents - account.postedCents
  return { currentCents: current, availableCents: current - account.pendingOutCents, limitCents: null }
}

export function findAccount(item: ItemState, accountId: string): AccountState | undefined {
  return item.accounts.find((account) => account.id === accountId)
}

/** Frees an item's data but keeps its identity, so later calls can answer ITEM_NOT_FOUND. */
export function releaseItem(item: ItemState): void {
  item.removed = true
  item.pending.clear()
  item.ledger = createLedger<TxRecord>()
}
