import { Type } from '@sinclair/typebox'
import { refreshItem } from './activity.ts'
import { durations } from './clock.ts'
import type { SimulatorCore } from './core.ts'
import type { PaymentChannel } from './data/descriptors.ts'
import { findCategory } from './data/taxonomy.ts'
import { isoDay, parseIsoDay } from './dates.ts'
import { isItemStateError, plaidError } from './errors.ts'
import { ALL_ENDPOINTS, FAULT_RATE_FIELDS, type FaultRule } from './faults.ts'
import { findAccount, type ItemState } from './item.ts'
import { amountToCents } from './money.ts'
import { addTransaction, modifyTransaction, postTransaction, removeTransaction } from './mutations.ts'
import { presentAccount, presentItem, presentTransaction } from './present.ts'
import { createRouter, type Params } from './router.ts'
import { PLAID_ROUTES } from './routes/index.ts'
import { NonEmptyString, Nullable, validateRequest } from './validation.ts'
import { pendingExpiration } from './webhook-payloads.ts'

/**
 * The control API (`/simulator/...`): not part of Plaid, for tests and demos. It moves the clock,
 * edits an item's transactions, breaks items, sets faults, and tells the whole truth about an item.
 */
type ControlContext = {
  readonly core: SimulatorCore
  readonly params: Params
  readonly body: Record<string, unknown>
  readonly url: URL
}
type ControlHandler = (context: ControlContext) => object | Promise<object>

const CHANNELS = ['online', 'in store', 'other'] as const

function itemOf(core: SimulatorCore, params: Params): ItemState {
  const item = core.findItem(params.itemId ?? '')
  if (!item) throw plaidError('NOT_FOUND', `no item ${params.itemId}`)
  if (item.removed) throw plaidError('ITEM_NOT_FOUND')
  core.catchUp(item)
  return item
}

function dayField(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback
  const day = parseIsoDay(text)
  if (day === null) throw plaidError('INVALID_FIELD', 'date must be a calendar date in YYYY-MM-DD form')
  return day
}

function centsField(amount: number | undefined): number | undefined {
  if (amount === undefined) return undefined
  const cents = amountToCents(amount)
  if (cents === null)
    throw plaidError('INVALID_FIELD', 'amount must be a finite number with at most two decimal places')
  return cents
}

function categoryField(detailed: string | undefined) {
  if (detailed === undefined) return undefined
  const category = findCategory(detailed)
  if (!category)
    throw plaidError('INVALID_FIELD', `category ${detailed} is not a detailed personal finance category`)
  return category
}

function channelField(channel: string | undefined): PaymentChannel | undefined {
  if (channel === undefined) return undefined
  if (!(CHANNELS as readonly string[]).includes(channel))
    throw plaidError('INVALID_FIELD', `payment_channel must be one of ${CHANNELS.join(', ')}`)
  return channel as PaymentChannel
}

/** Everything the bank holds for an item, in Plaid's shapes, for comparison with what a client stored. */
function truth(core: SimulatorCore, item: ItemState) {
  const transactions = [...item.ledger.values()]
    .sort((a, b) => b.day - a.day || a.id.localeCompare(b.id))
    .map((record) => presentTransaction(item, record))
  return {
    item: presentItem(item),
    accounts: item.accounts.map(presentAccount),
    transactions,
    total_transactions: transactions.length,
    version: item.ledger.version,
    simulated_now: core.clock.now().toISOString(),
  }
}

const AdvanceBody = Type.Object(
  {
    days: Type.Optional(Type.Number({ minimum: 0, maximum: 3650 })),
    hours: Type.Optional(Type.Number({ minimum: 0, maximum: 87600 })),
    minutes: Type.Optional(Type.Number({ minimum: 0, maximum: 5256000 })),
    seconds: Type.Optional(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
)

const SettingsBody = Type.Object(
  { transactions_per_item: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000 }))) },
  { additionalProperties: false },
)

const NewTransactionBody = Type.Object(
  {
    account_id: NonEmptyString(),
    amount: Type.Number(),
    name: NonEmptyString({ maxLength: 200 }),
    date: Type.Optional(Type.String()),
    merchant_name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    category: Type.Optional(Type.String()),
    payment_channel: Type.Optional(Type.String()),
    pending: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)

const PatchTransactionBody = Type.Object(
  {
    amount: Type.Optional(Type.Number()),
    name: Type.Optional(NonEmptyString({ maxLength: 200 })),
    date: Type.Optional(Type.String()),
    merchant_name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    category: Type.Optional(Type.String()),
    payment_channel: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
)

const ErrorStateBody = Type.Object({ error_code: NonEmptyString() }, { additionalProperties: false })

const ConsentBody = Type.Object(
  { days: Type.Optional(Type.Number({ minimum: 0, maximum: 365 })) },
  { additionalProperties: false },
)

const rate = Type.Optional(Type.Number({ minimum: 0, maximum: 1 }))
const FaultBody = Type.Object(
  {
    endpoint: Type.Optional(NonEmptyString()),
    latency_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000 })),
    internal_error_rate: rate,
    rate_limit_rate: rate,
    product_not_ready_rate: rate,
    mutation_during_pagination_rate: rate,
    drop_connection_rate: rate,
    remaining: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  },
  { additionalProperties: false },
)

function changed(core: SimulatorCore, item: ItemState) {
  core.notifyTransactions(item)
}

export const controlRouter = createRouter<ControlHandler>()
  .add('GET', '/simulator/state', ({ core }) => ({
    simulated_now: core.clock.now().toISOString(),
    clock_offset_ms: core.clock.offsetMs(),
    seed: core.seed,
    settings: core.settings,
    items: [...core.items()].map((item) => ({
      item_id: item.itemId,
      institution_id: item.institution.institution_id,
      removed: item.removed,
      error_code: item.error?.error_code ?? null,
      webhook: item.webhook,
      transactions: item.ledger.size,
      version: item.ledger.version,
    })),
  }))
  .add('POST', '/simulator/clock/advance', ({ core, body }) => {
    const input = validateRequest(AdvanceBody, body)
    const ms =
      (input.days ?? 0) * durations.day +
      (input.hours ?? 0) * durations.hour +
      (input.minutes ?? 0) * durations.minute +
      (input.seconds ?? 0) * 1000
    const changes = core.advanceClock(Math.round(ms))
    return {
      simulated_now: core.clock.now().toISOString(),
      today: isoDay(core.clock.today()),
      changed_transactions: changes,
    }
  })
  .add('PUT', '/simulator/settings', ({ core, body }) => {
    const input = validateRequest(SettingsBody, body)
    if (input.transactions_per_item !== undefined)
      core.settings.transactionsPerItem = input.transactions_per_item
    return { settings: core.settings }
  })
  .add('GET', '/simulator/items/:itemId', ({ core, params }) => truth(core, itemOf(core, params)))
  .add('POST', '/simulator/items/:itemId/transactions', ({ core, params, body }) => {
    const item = itemOf(core, params)
    const input = validateRequest(NewTransactionBody, body)
    const account = findAccount(item, input.account_id)
    if (!account)
      throw plaidError('INVALID_ACCOUNT_ID', `account ${input.account_id} is not an account of this item`)
    const record = addTransaction(item, {
      accountIndex: account.index,
      amountCents: centsField(input.amount) ?? 0,
      day: dayField(input.date, core.clock.today()),
      name: input.name,
      merchantName: input.merchant_name ?? null,
      category:
        categoryField(input.category) ?? categoryField('GENERAL_MERCHANDISE_OTHER_GENERAL_MERCHANDISE')!,
      channel: channelField(input.payment_channel) ?? 'other',
      pending: input.pending ?? false,
    })
    changed(core, item)
    return { transaction: presentTransaction(item, record) }
  })
  .add('PATCH', '/simulator/items/:itemId/transactions/:transactionId', ({ core, params, body }) => {
    const item = itemOf(core, params)
    const input = validateRequest(PatchTransactionBody, body)
    const record = modifyTransaction(item, params.transactionId ?? '', {
      amountCents: centsField(input.amount),
      day: input.date === undefined ? undefined : dayField(input.date, 0),
      name: input.name,
      merchantName: input.merchant_name,
      category: categoryField(input.category),
      channel: channelField(input.payment_channel),
    })
    if (!record) throw plaidError('NOT_FOUND', `no current transaction ${params.transactionId}`)
    changed(core, item)
    return { transaction: presentTransaction(item, record) }
  })
  .add('DELETE', '/simulator/items/:itemId/transactions/:transactionId', ({ core, params }) => {
    const item = itemOf(core, params)
    if (!removeTransaction(item, params.transactionId ?? ''))
      throw plaidError('NOT_FOUND', `no current transaction ${params.transactionId}`)
    changed(core, item)
    return { removed: params.transactionId }
  })
  .add('POST', '/simulator/items/:itemId/transactions/:transactionId/post', ({ core, params }) => {
    const item = itemOf(core, params)
    const posted = postTransaction(item, params.transactionId ?? '', core.clock.today())
    if (!posted) throw plaidError('NOT_FOUND', `no pending transaction ${params.transactionId}`)
    changed(core, item)
    return { transaction: presentTransaction(item, posted) }
  })
  .add('POST', '/simulator/items/:itemId/refresh', ({ core, params }) => {
    const item = itemOf(core, params)
    const changes = refreshItem(item, core.clock.today())
    if (changes > 0) changed(core, item)
    return { changed_transactions: changes }
  })
  .add('POST', '/simulator/items/:itemId/error', ({ core, params, body }) => {
    const item = itemOf(core, params)
    const input = validateRequest(ErrorStateBody, body)
    const code = input.error_code
    if (!isItemStateError(code)) {
      throw plaidError('INVALID_FIELD', `error_code ${code} is not an ITEM_ERROR or INSTITUTION_ERROR code`)
    }
    core.setItemError(item, code)
    return { item: presentItem(item) }
  })
  .add('DELETE', '/simulator/items/:itemId/error', ({ core, params }) => {
    const item = itemOf(core, params)
    core.repairItem(item)
    return { item: presentItem(item) }
  })
  .add('POST', '/simulator/items/:itemId/consent_expiration', ({ core, params, body }) => {
    const item = itemOf(core, params)
    const input = validateRequest(ConsentBody, body)
    const at = new Date(core.clock.now().getTime() + (input.days ?? 7) * durations.day).toISOString()
    item.consentExpirationTime = at
    core.sendWebhook(item, pendingExpiration(item, at))
    return { item: presentItem(item) }
  })
  .add('GET', '/simulator/faults', ({ core }) => ({ faults: core.faults.list() }))
  .add('PUT', '/simulator/faults', ({ core, body }) => {
    const input = validateRequest(FaultBody, body)
    const endpoint = input.endpoint ?? ALL_ENDPOINTS
    if (endpoint !== ALL_ENDPOINTS && !PLAID_ROUTES.has(endpoint)) {
      throw plaidError('INVALID_FIELD', `endpoint must be * or one of ${[...PLAID_ROUTES.keys()].join(', ')}`)
    }
    const rule: Partial<{ -readonly [K in keyof FaultRule]: FaultRule[K] }> = {}
    if (input.latency_ms !== undefined) rule.latency_ms = input.latency_ms
    for (const field of FAULT_RATE_FIELDS) if (input[field] !== undefined) rule[field] = input[field]
    if (input.remaining !== undefined) rule.remaining = input.remaining
    return { endpoint, rule: core.faults.set(endpoint, rule) }
  })
  .add('DELETE', '/simulator/faults', ({ core, url }) => {
    const endpoint = url.searchParams.get('endpoint')
    core.faults.clear(endpoint ?? undefined)
    return { faults: core.faults.list() }
  })
  .add('POST', '/simulator/webhook_keys/rotate', async ({ core }) => ({ key: await core.keyring.rotate() }))
  .add('GET', '/simulator/webhooks', ({ core }) => ({
    deliveries: core.webhooks.deliveries().map((delivery) => ({
      id: delivery.id,
      url: delivery.url,
      webhook_type: delivery.webhookType,
      webhook_code: delivery.webhookCode,
      item_id: delivery.itemId,
      status: delivery.status,
      attempts: delivery.attempts,
      last_status: delivery.lastStatus,
      last_error: delivery.lastError,
      created_at: delivery.createdAt,
      body: delivery.body,
    })),
  }))
