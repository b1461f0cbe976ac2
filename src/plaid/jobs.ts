import type { JobQueue } from '../jobs/queue.ts'

/** The one job kind bank data needs: bring an item up to date. Keyed per item so two never overlap. */
export const SYNC_JOB = 'item.sync'
export const itemKey = (itemId: string) => `item:${itemId}`

export type SyncReason = 'linked' | 'webhook' | 'manual' | 'sweep' | 'relinked'

export interface SyncJobPayload {
  itemId: string
  reason: SyncReason
}

export function queueSync(queue: JobQueue, itemId: string, reason: SyncReason) {
  return queue.enqueue<SyncJobPayload>(SYNC_JOB, itemKey(itemId), { itemId, reason })
}
