import { plaidError } from './errors.ts'
import type { Ledger } from './ledger.ts'
import type { CursorCodec, SyncCursor } from './sync-cursor.ts'

export type SyncRequest = {
  /** '' or absent starts from the beginning, as in Plaid. */
  readonly cursor?: string | null | undefined
  readonly count: number
  /** Account-scoped sync; -1 for the whole item. */
  readonly accountIndex: number
  /** Fault injection: answer a continuing page as if the data had changed. */
  readonly forceMutationError?: boolean
}

export type SyncPage<T> = {
  readonly added: T[]
  readonly modified: T[]
  readonly removed: T[]
  readonly nextCursor: string
  readonly hasMore: boolean
}

/**
 * Plaid's /transactions/sync semantics over a ledger. A cursor remembers the version the client has
 * applied; a page lists the net changes since then (a transaction added and removed in between is
 * never mentioned). While `has_more` is true the pages are pinned to one snapshot, and any change to
 * the item before the last page answers TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION; the client
 * restarts from the cursor it held before the first page.
 */
export function syncPage<T extends { readonly id: string; readonly accountIndex: number }>(
  ledger: Ledger<T>,
  codec: CursorCodec,
  serial: number,
  request: SyncRequest,
): SyncPage<T> {
  const accountIndex = request.accountIndex
  let cursor: SyncCursor
  if (!request.cursor) {
    cursor = { serial, from: 0, snapshot: ledger.version, position: 0, account: accountIndex }
  } else {
    const decoded = codec.decode(request.cursor)
    if (!decoded || decoded.serial !== serial || decoded.snapshot > ledger.version) {
      throw plaidError('INVALID_FIELD', 'cursor is not valid for this item')
    }
    if (decoded.account !== accountIndex) {
      throw plaidError('INVALID_FIELD', 'cursor was issued for a different options.account_id')
    }
    const paginating = decoded.from !== decoded.snapshot
    if (paginating && (decoded.snapshot !== ledger.version || request.forceMutationError)) {
      throw plaidError('TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION')
    }
    cursor = paginating
      ? decoded
      : { ...decoded, snapshot: ledger.version, position: ledger.positionAfter(decoded.from) }
  }
  const include = accountIndex < 0 ? undefined : (value: T) => value.accountIndex === accountIndex
  const page = ledger.scan(cursor.from, cursor.position, request.count, include)
  const next: SyncCursor = page.hasMore
    ? { ...cursor, position: page.position }
    : { ...cursor, from: cursor.snapshot, position: page.position }
  return {
    added: page.added,
    modified: page.modified,
    removed: page.removed,
    nextCursor: codec.encode(next),
    hasMore: page.hasMore,
  }
}
