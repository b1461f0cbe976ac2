/**
 * A versioned store of an item's transactions that can answer "what changed since version V?" the
 * way /transactions/sync needs: every batch of changes gets the next version, each touch is logged,
 * and removed transactions stay as tombstones so a client that saw them can be told to delete them.
 */
export type Change<T> = { readonly before: T | null; readonly after: T | null }

export type Mutator<T> = {
  insert(value: T): void
  replace(value: T): void
  remove(id: string): void
  get(id: string): T | undefined
  /** True for current and removed ids alike: an id is never reused. */
  known(id: string): boolean
}

export type ChangeScan<T> = {
  readonly added: T[]
  readonly modified: T[]
  readonly removed: T[]
  /** Log position to resume from. */
  readonly position: number
  readonly hasMore: boolean
}

export type Ledger<T extends { readonly id: string }> = {
  readonly version: number
  readonly size: number
  readonly logLength: number
  get(id: string): T | undefined
  values(): IterableIterator<T>
  /** Applies all changes made by `change` as one version; returns how many transactions it touched. */
  batch(change: (mutator: Mutator<T>) => void): number
  /** First log position holding a change newer than `version`. */
  positionAfter(version: number): number
  /** Net changes between `fromVersion` and now, in log order from `position`, at most `limit`. */
  scan(fromVersion: number, position: number, limit: number, include?: (value: T) => boolean): ChangeScan<T>
}

type Entry<T> = { value: T; created: number; touched: number; removed: boolean }

export function createLedger<T extends { readonly id: string }>(
  onChange?: (change: Change<T>) => void,
): Ledger<T> {
  const entries = new Map<string, Entry<T>>()
  // The change log as two parallel arrays: one (version, id) pair per transaction per batch.
  const logVersions: number[] = []
  const logIds: string[] = []
  let version = 0
  let live = 0

  // An entry at log position k speaks for its transaction only if it is that transaction's latest touch.
  function emits(entry: Entry<T>, loggedAt: number, fromVersion: number): boolean {
    if (entry.touched !== loggedAt) return false
    // Born and gone since the client last synced: the client never saw it and need not hear of it.
    return !(entry.created > fromVersion && entry.removed)
  }

  return {
    get version() {
      return version
    },
    get size() {
      return live
    },
    get logLength() {
      return logIds.length
    },
    get(id) {
      const entry = entries.get(id)
      return entry && !entry.removed ? entry.value : undefined
    },
    *values() {
      for (const entry of entries.values()) if (!entry.removed) yield entry.value
    },
    batch(change) {
      const next = version + 1
      let touched = 0
      const touch = (id: string, entry: Entry<T>) => {
        if (entry.touched !== next) {
          entry.touched = next
          logVersions.push(next)
          logIds.push(id)
          touched++
        }
      }
      const current = (id: string) => {
        const entry = entries.get(id)
        return entry && !entry.removed ? entry : undefined
      }
      change({
        insert(value) {
          if (entries.has(value.id)) throw new Error(`transaction ${value.id} already exists`)
          const entry: Entry<T> = { value, created: next, touched: 0, removed: false }
          entries.set(value.id, entry)
          live++
          touch(value.id, entry)
          onChange?.({ before: null, after: value })
        },
        replace(value) {
          const entry = current(value.id)
          if (!entry) throw new Error(`transaction ${value.id} does not exist`)
          const before = entry.value
          entry.value = value
          touch(value.id, entry)
          onChange?.({ before, after: value })
        },
        remove(id) {
          const entry = current(id)
          if (!entry) throw new Error(`transaction ${id} does not exist`)
          entry.removed = true
          live--
          touch(id, entry)
          onChange?.({ before: entry.value, after: null })
        },
        get: (id) => current(id)?.value,
        known: (id) => entries.has(id),
      })
      if (touched > 0) version = next
      return touched
    },
    positionAfter(target) {
      let low = 0
      let high = logVersions.length
      while (low < high) {
        const mid = (low + high) >>> 1
        if ((logVersions[mid] ?? 0) <= target) low = mid + 1
        else high = mid
      }
      return low
    },
    scan(fromVersion, position, limit, include) {
      const added: T[] = []
      const modified: T[] = []
      const removed: T[] = []
      let k = position
      const length = logIds.length
      const emitting = (index: number): Entry<T> | undefined => {
        const entry = entries.get(logIds[index] as string)
        if (!entry || !emits(entry, logVersions[index] as number, fromVersion)) return undefined
        return include && !include(entry.value) ? undefined : entry
      }
      while (k < length && added.length + modified.length + removed.length < limit) {
        const entry = emitting(k)
        k++
        if (!entry) continue
        if (entry.created > fromVersion) added.push(entry.value)
        else if (entry.removed) removed.push(entry.value)
        else modified.push(entry.value)
      }
      // Skip to the next change that will be reported, so has_more is exact.
      while (k < length && !emitting(k)) k++
      return { added, modified, removed, position: k, hasMore: k < length }
    },
  }
}
