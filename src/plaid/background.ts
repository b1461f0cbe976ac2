import type { PlaidApi } from 'plaid'
import type { Config } from '../config/index.ts'
import type { Sql } from '../db/index.ts'
import { createJobQueue, type Job } from '../jobs/queue.ts'
import { startPeriodic } from '../jobs/scheduler.ts'
import { startWorker } from '../jobs/worker.ts'
import type { Logger } from '../logger.ts'
import { plaidErrorOf } from './errors.ts'
import { queueSync, SYNC_JOB, type SyncJobPayload } from './jobs.ts'
import { SyncAbortedError, syncItem } from './sync.ts'
import { createTokenCipher } from './token-crypto.ts'

export interface BankJobsOptions {
  config: Config
  sql: Sql
  plaid: PlaidApi
  logger: Logger
  now?: () => Date
  pollIntervalMs?: number
  leaseMs?: number
}

export interface BankJobs {
  /** Wake the worker now (after queueing in this process). */
  notify(): void
  /** Queue every syncable item; what the periodic sweep does. */
  sweep(): Promise<number>
  stop(): Promise<void>
}

/**
 * The sync worker and the safety-net sweep that runs inside `tally serve`. WORKER_CONCURRENCY=0
 * starts neither: an API-only replica only queues work for the others.
 */
export function startBankJobs(options: BankJobsOptions): BankJobs {
  const { config, sql, plaid, logger } = options
  const now = options.now ?? (() => new Date())
  const queue = createJobQueue({ sql, logger, ...(options.now ? { now: options.now } : {}) })
  const cipher = createTokenCipher({
    key: config.ENCRYPTION_KEY,
    previousKey: config.ENCRYPTION_KEY_PREVIOUS,
  })
  const syncDeps = { sql, plaid, cipher, logger, now }

  const worker = startWorker({
    queue,
    concurrency: config.WORKER_CONCURRENCY,
    pollIntervalMs: options.pollIntervalMs ?? 1000,
    leaseMs: options.leaseMs ?? 120_000,
    logger,
    handlers: {
      [SYNC_JOB]: async (job: Job<SyncJobPayload>, { signal }) => {
        try {
          const outcome = await syncItem(syncDeps, job.payload.itemId, signal)
          if (outcome.status === 'skipped' && outcome.reason === 'aborted')
            throw new SyncAbortedError('sync stopped')
        } catch (error) {
          // What the job table keeps: Plaid's error code, never a request (which holds the token).
          const plaidError = plaidErrorOf(error)
          if (plaidError)
            throw new Error(`Plaid ${plaidError.error_type}/${plaidError.error_code} (${plaidError.status})`)
          throw error
        }
      },
    },
  })

  const sweep = async () => {
    const items = await sql<{ id: string }[]>`
      select id from items where status not in ('login_required', 'revoked') order by id`
    for (const { id } of items) await queueSync(queue, id, 'sweep')
    await queue.prune()
    worker.notify()
    return items.length
  }
  const periodic =
    config.WORKER_CONCURRENCY > 0
      ? startPeriodic({
          name: 'sync-sweep',
          intervalMs: config.SYNC_INTERVAL * 1000,
          run: () => sweep().then(() => {}),
          logger,
        })
      : undefined

  return {
    notify: () => worker.notify(),
    sweep,
    async stop() {
      await periodic?.stop()
      await worker.stop()
    },
  }
}
