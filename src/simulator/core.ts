import { advanceItem } from './activity.ts'
import type { SimClock } from './clock.ts'
import { findInstitution, type InstitutionDefinition } from './data/institutions.ts'
import { type ErrorCode, errorBody, plaidError } from './errors.ts'
import type { Faults } from './faults.ts'
import { tokenKind } from './ids.ts'
import { createItemState, type ItemState, releaseItem } from './item.ts'
import type { Keyring } from './keys.ts'
import type { SimulatorLogger } from './logger.ts'
import type { CursorCodec } from './sync-cursor.ts'
import type { TokenRegistry } from './tokens.ts'
import * as payloads from './webhook-payloads.ts'
import type { WebhookPayload, WebhookSender } from './webhooks.ts'

export type SimulatorSettings = {
  /** Items created from now on get exactly this many transactions; null = a natural two years. */
  transactionsPerItem: number | null
}

export type NewItem = {
  /** A serial from reserveSerial() (Link shows account ids before the item exists); a fresh one otherwise. */
  readonly serial?: number | undefined
  readonly institution: InstitutionDefinition
  readonly products: readonly string[]
  readonly webhook: string | null
  readonly accountIndexes?: readonly number[] | undefined
  readonly userId?: string | null | undefined
}

/** The simulated bank and Plaid's bookkeeping around it; the HTTP layer is a thin shell over this. */
export type SimulatorCore = {
  readonly seed: number
  readonly clientId: string
  readonly secret: string
  readonly clock: SimClock
  readonly logger: SimulatorLogger
  readonly keyring: Keyring
  readonly webhooks: WebhookSender
  readonly faults: Faults
  readonly tokens: TokenRegistry
  readonly cursors: CursorCodec
  readonly settings: SimulatorSettings
  items(): IterableIterator<ItemState>
  createItem(input: NewItem): ItemState
  reserveSerial(): number
  findItem(itemId: string): ItemState | undefined
  itemBySerial(serial: number): ItemState | undefined
  /** The item's access token after a public token exchange. */
  issueAccessToken(item: ItemState): string
  /** The item behind an access token, with its activity brought up to the simulated today. */
  itemForAccessToken(accessToken: string): ItemState
  /** Throws the item's error when it has one (ITEM_LOGIN_REQUIRED, ...), as Plaid's data endpoints do. */
  requireHealthy(item: ItemState): void
  catchUp(item: ItemState): number
  notifyTransactions(item: ItemState): void
  sendWebhook(item: ItemState, payload: WebhookPayload, url?: string): boolean
  setItemError(item: ItemState, code: ErrorCode): void
  repairItem(item: ItemState): void
  removeItem(item: ItemState): void
  advanceClock(ms: number): number
  institution(institutionId: string): InstitutionDefinition | undefined
}

export type CoreDependencies = Omit<SimulatorCore, 'settings' | keyof CoreOperations> & {
  readonly settings?: Partial<SimulatorSettings>
}

type CoreOperations = Pick<
  SimulatorCore,
  | 'items'
  | 'createItem'
  | 'reserveSerial'
  | 'findItem'
  | 'itemBySerial'
  | 'issueAccessToken'
  | 'itemForAccessToken'
  | 'requireHealthy'
  | 'catchUp'
  | 'notifyTransactions'
  | 'sendWebhook'
  | 'setItemError'
  | 'repairItem'
  | 'removeItem'
  | 'advanceClock'
  | 'institution'
>

export function createCore(deps: CoreDependencies): SimulatorCore {
  const bySerial = new Map<number, ItemState>()
  const byItemId = new Map<string, ItemState>()
  const settings: SimulatorSettings = { transactionsPerItem: deps.settings?.transactionsPerItem ?? null }
  let nextSerial = 1

  // Items whose public token was exchanged: the only ones a client can ever reach again.
  const exchanged = new Set<number>()

  // Unexchanged public tokens expire; their items can never be reached, so their data is freed.
  function sweep() {
    for (const serial of deps.tokens.sweep()) {
      const item = bySerial.get(serial)
      if (item && !exchanged.has(serial)) {
        releaseItem(item)
        bySerial.delete(serial)
        byItemId.delete(item.itemId)
      }
    }
  }

  const core: SimulatorCore = {
    ...deps,
    settings,
    items: () => bySerial.values(),
    createItem(input) {
      sweep()
      const serial = input.serial ?? nextSerial++
      if (bySerial.has(serial)) throw new Error(`item serial ${serial} is already in use`)
      const item = createItemState({
        seed: deps.seed,
        serial,
        institution: input.institution,
        products: input.products,
        webhook: input.webhook,
        today: deps.clock.today(),
        now: deps.clock.now(),
        transactionCount: settings.transactionsPerItem ?? undefined,
        accountIndexes: input.accountIndexes,
        userId: input.userId,
      })
      bySerial.set(serial, item)
      byItemId.set(item.itemId, item)
      return item
    },
    reserveSerial: () => nextSerial++,
    findItem: (itemId) => byItemId.get(itemId),
    itemBySerial: (serial) => bySerial.get(serial),
    issueAccessToken(item) {
      exchanged.add(item.serial)
      return deps.tokens.issueAccessToken(item.serial)
    },
    itemForAccessToken(accessToken) {
      if (tokenKind(accessToken) !== 'access') {
        throw plaidError(
          'INVALID_ACCESS_TOKEN',
          'provided access token is in an invalid format. expected format: access-<environment>-<identifier>',
        )
      }
      const serial = deps.tokens.findAccessToken(accessToken)
      const item = serial === undefined ? undefined : bySerial.get(serial)
      if (!item) throw plaidError('INVALID_ACCESS_TOKEN')
      if (item.removed) throw plaidError('ITEM_NOT_FOUND')
      core.catchUp(item)
      return item
    },
    requireHealthy(item) {
      if (item.error) throw plaidError(item.error.error_code as ErrorCode, item.error.error_message)
    },
    catchUp(item) {
      const changed = advanceItem(item, deps.clock.today())
      if (changed > 0) core.notifyTransactions(item)
      return changed
    },
    notifyTransactions(item) {
      item.lastSuccessfulUpdate = deps.clock.now().toISOString()
      core.sendWebhook(item, payloads.syncUpdatesAvailable(item))
    },
    sendWebhook(item, payload, url) {
      const target = url ?? item.webhook
      if (!target || item.removed) return false
      deps.webhooks.send(target, payload)
      item.lastWebhook = { sentAt: deps.clock.now().toISOString(), code: payload.webhook_code }
      return true
    },
    setItemError(item, code) {
      item.error = errorBody(code)
      delete item.error.request_id
      item.lastFailedUpdate = deps.clock.now().toISOString()
      const payload =
        code === 'USER_PERMISSION_REVOKED'
          ? payloads.userPermissionRevoked(item)
          : payloads.itemError(item, code)
      core.sendWebhook(item, payload)
    },
    repairItem(item) {
      if (!item.error) return
      item.error = null
      core.sendWebhook(item, payloads.loginRepaired(item))
    },
    removeItem(item) {
      releaseItem(item)
      exchanged.delete(item.serial)
    },
    advanceClock(ms) {
      deps.clock.advance(ms)
      sweep()
      let changed = 0
      for (const item of bySerial.values()) if (!item.removed) changed += core.catchUp(item)
      return changed
    },
    institution: (institutionId) => findInstitution(institutionId),
  }
  return core
}
