import type postgres from 'postgres'
import type { Sql } from '../db/index.ts'
import type { Logger } from '../logger.ts'
import { safeErrorText } from './error-text.ts'

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'dead'
export const JOB_STATUSES: readonly JobStatus[] = ['queued', 'running', 'succeeded', 'dead']

export interface Job<Payload = unknown> {
  /** bigint in the database; a string here so it never loses precision. */
  id: string
  kind: string
  /** What the job works on ('item:<uuid>'): no two jobs with the same key run at once. */
  key: string
  payload: Payload
  status: JobStatus
  /** Attempts started so far, this one included while the job runs. */
  attempts: number
  maxAttempts: number
  runAt: Date
  lockedBy: string | null
  lockedUntil: Date | null
  lastError: string | null
  createdAt: Date
  updatedAt: Date
}

export interface EnqueueOptions {
  /** Not before this time (default: now). */
  runAt?: Date
  maxAttempts?: number
}

export interface EnqueueResult<Payload> {
  job: Job<Payload>
  /** false when an equal job was already queued and is returned instead. */
  created: boolean
}

export interface ClaimOptions {
  /** Only these kinds (default: any). */
  kinds?: readonly string[]
  /** How long the claim holds before another worker may take the job over. */
  leaseMs: number
}

/** What fail() did: scheduled another attempt, gave up, or found the job no longer ours. */
export type FailOutcome = 'retry' | 'dead' | 'lost'

export interface QueueStats {
  byStatus: Record<JobStatus, number>
  byKind: Record<string, Record<JobStatus, number>>
  /** How long the longest-waiting due job has waited past its run_at, or null when none is due. */
  oldestDueMs: number | null
  /** Running jobs whose lease has run out: their worker died or hung. */
  expiredLeases: number
}

export interface ListOptions {
  key?: string
  kind?: string
  status?: JobStatus
  limit?: number
}

export interface PruneOptions {
  succeededOlderThanMs: number
  deadOlderThanMs: number
}

export interface BackoffOptions {
  baseMs: number
  maxMs: number
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 5_000, maxMs: 60 * 60_000 }
export const DEFAULT_MAX_ATTEMPTS = 5
/** Suggested retention for prune(): a week of successes for diagnosis, a month for dead jobs. */
export const DEFAULT_RETENTION: PruneOptions = {
  succeededOlderThanMs: 7 * 24 * 3_600_000,
  deadOlderThanMs: 30 * 24 * 3_600_000,
}

export interface JobQueueOptions {
  sql: Sql
  logger: Logger
  /** The clock for tests; by default the database's own now(), one clock for every process. */
  now?: () => Date
  /** Jitter source for tests. */
  random?: () => number
  backoff?: BackoffOptions
}

export interface JobQueue {
  enqueue<Payload = Record<string, unknown>>(
    kind: string,
    key: string,
    payload?: Payload,
    options?: EnqueueOptions,
  ): Promise<EnqueueResult<Payload>>
  claim(workerId: string, options: ClaimOptions): Promise<Job | null>
  /** false when the job was no longer ours (lease lost and taken over). */
  complete(job: Job): Promise<boolean>
  /** `error` must already be safe to store; it is still scrubbed of secret-shaped text and truncated. */
  fail(job: Job, error: string): Promise<FailOutcome>
  /** Puts a job back without counting the attempt (the worker is shutting down). */
  release(job: Job): Promise<boolean>
  extendLease(job: Job, leaseMs: number): Promise<boolean>
  get(id: string): Promise<Job | null>
  list(options?: ListOptions): Promise<Job[]>
  stats(): Promise<QueueStats>
  /** Deletes finished jobs older than the retention; returns how many. */
  prune(options?: PruneOptions): Promise<number>
}

/**
 * Exponential backoff with "equal jitter": base × 2^(attempts−1), capped, then somewhere in its upper
 * half. The jitter spreads retries of jobs that failed together (an outage) so they do not return in
 * lockstep; keeping half the delay keeps the growth guaranteed.
 */
export function backoffDelayMs(attempts: number, backoff: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempts - 1))
  return Math.round(ceiling / 2 + (ceiling / 2) * random())
}

const UNIQUE_VIOLATION = '23505'
/** The pool or a transaction: whichever a statement (and the fragments inside it) must run on. */
type Tag = postgres.ISql

const isUniqueViolation = (error: unknown) => (error as { code?: unknown })?.code === UNIQUE_VIOLATION

/**
 * The Postgres job queue. Rules (the migration enforces the first two):
 * - at most one job per key runs at a time, across every process;
 * - at most one job per kind and key is queued: enqueueing while one is queued returns it, while one
 *   runs queues one follow-up (a webhook mid-sync is not lost), and more requests return that;
 * - a claim holds a lease; a running job past its lease is taken over (or, on its last attempt, dead);
 * - failures retry with exponential backoff until max_attempts, then the job is dead with last_error;
 * - succeeded and dead rows stay for diagnosis until prune() removes them after a retention period.
 */
export function createJobQueue({
  sql,
  logger,
  now,
  random = Math.random,
  backoff = DEFAULT_BACKOFF,
}: JobQueueOptions): JobQueue {
  const log = logger.child({ component: 'jobs' })
  // Every timestamp comes from one place: the injected clock in tests, the database otherwise (worker
  // hosts' clocks may drift; the database's is the one all of them share).
  const at = (q: Tag = sql) => (now ? q`${now()}::timestamptz` : q`now()`)
  const later = (ms: number, q: Tag = sql) =>
    q`(${at(q)} + ${ms}::double precision * interval '1 millisecond')`
  const columns = sql`
    jobs.id, jobs.kind, jobs.key, jobs.payload, jobs.status, jobs.attempts,
    jobs.max_attempts as "maxAttempts", jobs.run_at as "runAt", jobs.locked_by as "lockedBy",
    jobs.locked_until as "lockedUntil", jobs.last_error as "lastError", jobs.created_at as "createdAt",
    jobs.updated_at as "updatedAt"`
  // A job is still ours while it runs under our name and the attempt we claimed; a worker whose lease
  // ran out and was taken over can no longer complete, fail or extend it.
  const ours = (job: Job, q: Tag = sql) =>
    q`id = ${job.id} and status = 'running' and locked_by = ${job.lockedBy ?? ''} and attempts = ${job.attempts}`

  const kindFilter = (kinds: readonly string[] | undefined) =>
    kinds ? sql`and kind in ${sql(kinds as string[])}` : sql``

  /** Lease-expired jobs on their last attempt: their worker died with them, so they are given up. */
  async function buryExpired() {
    const buried = await sql<{ id: string; kind: string; key: string; attempts: number }[]>`
      update jobs set
        status = 'dead', locked_by = null, locked_until = null, updated_at = ${at()},
        last_error = 'the lease of worker ' || locked_by || ' ran out during the last attempt (' || attempts || ' of ' || max_attempts || ')'
      where status = 'running' and locked_until <= ${at()} and attempts >= max_attempts
      returning id, kind, key, attempts`
    for (const job of buried)
      log.warn(
        { job_id: job.id, kind: job.kind, key: job.key, attempt: job.attempts },
        'job dead: lease ran out',
      )
  }

  /** A job whose worker died or hung is taken over as it is, running, by a new worker. */
  async function takeOverExpired(workerId: string, leaseMs: number, kinds: ReturnType<typeof kindFilter>) {
    const [job] = await sql<Job[]>`
      with expired as (
        select id from jobs
        where status = 'running' and locked_until <= ${at()} and attempts < max_attempts ${kinds}
        order by locked_until, id
        limit 1
        for update skip locked
      )
      update jobs set
        attempts = attempts + 1, locked_by = ${workerId}, locked_until = ${later(leaseMs)},
        updated_at = ${at()},
        last_error = 'the lease of worker ' || locked_by || ' ran out during attempt ' || attempts
      from expired
      where jobs.id = expired.id
      returning ${columns}`
    if (job)
      log.warn({ job_id: job.id, kind: job.kind, key: job.key, attempt: job.attempts }, 'job taken over')
    return job ?? null
  }

  async function claimQueued(workerId: string, leaseMs: number, kinds: ReturnType<typeof kindFilter>) {
    const [job] = await sql<Job[]>`
      with next as (
        select id from jobs candidate
        where status = 'queued' and run_at <= ${at()} ${kinds}
          and not exists (select 1 from jobs busy where busy.key = candidate.key and busy.status = 'running')
        order by run_at, id
        limit 1
        for update of candidate skip locked
      )
      update jobs set
        status = 'running', attempts = attempts + 1, locked_by = ${workerId},
        locked_until = ${later(leaseMs)}, updated_at = ${at()}
      from next
      where jobs.id = next.id
      returning ${columns}`
    return job ?? null
  }

  /**
   * Back to the queue, absorbing a follow-up of the same kind and key queued meanwhile: the retry runs
   * after the follow-up's trigger anyway, and dropping the follow-up keeps one queued job per kind and
   * key (and stops webhooks from resetting the attempts of a job that keeps failing).
   */
  function requeue(job: Job, delayMs: number, change: { attempts: number; lastError?: string }) {
    return sql.begin(async (tx) => {
      const [owned] = await tx`select id from jobs where ${ours(job, tx)} for update`
      if (!owned) return false
      await tx`delete from jobs where kind = ${job.kind} and key = ${job.key} and status = 'queued'`
      await tx`
        update jobs set
          status = 'queued', attempts = ${change.attempts}, run_at = ${later(delayMs, tx)},
          locked_by = null, locked_until = null, updated_at = ${at(tx)}
          ${change.lastError === undefined ? tx`` : tx`, last_error = ${change.lastError}`}
        where id = ${job.id}`
      return true
    })
  }

  return {
    async enqueue(kind, key, payload, options = {}) {
      const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS
      const requested = options.runAt ?? now?.()
      const runAt = () => (requested ? sql`${requested}::timestamptz` : sql`now()`)
      // postgres.js serializes a jsonb parameter itself; stringifying here would store a JSON string.
      const json = sql.json((payload ?? {}) as Parameters<Sql['json']>[0])
      // A few rounds because the queued job we conflict with may be claimed before we read it; the
      // next insert then queues the follow-up.
      for (let round = 0; round < 5; round++) {
        const [inserted] = await sql<Job[]>`
          insert into jobs (kind, key, payload, max_attempts, run_at, created_at, updated_at)
          values (${kind}, ${key}, ${json}, ${maxAttempts}, ${runAt()}, ${at()}, ${at()})
          on conflict (kind, key) where status = 'queued' do nothing
          returning ${columns}`
        if (inserted) return { job: inserted as Job<never>, created: true }
        // A new request never delays the queued job, and moves it earlier only while it has not failed:
        // a failed job waits out its backoff whatever triggers arrive.
        const [existing] = await sql<Job[]>`
          with sped_up as (
            update jobs set run_at = ${runAt()}, updated_at = ${at()}
            where kind = ${kind} and key = ${key} and status = 'queued' and attempts = 0 and run_at > ${runAt()}
            returning ${columns}
          )
          select * from sped_up
          union all
          select ${columns} from jobs
          where kind = ${kind} and key = ${key} and status = 'queued' and not exists (select 1 from sped_up)`
        if (existing) return { job: existing as Job<never>, created: false }
      }
      throw new Error(`could not enqueue ${kind} job for ${key}: it kept being claimed concurrently`)
    },

    async claim(workerId, { kinds, leaseMs }) {
      if (kinds && kinds.length === 0) return null
      await buryExpired()
      const taken = await takeOverExpired(workerId, leaseMs, kindFilter(kinds))
      if (taken) return taken
      for (let round = 0; round < 3; round++) {
        try {
          return await claimQueued(workerId, leaseMs, kindFilter(kinds))
        } catch (error) {
          // Another worker started a job with this key between our check and our update; the unique
          // index refused the second runner, which is its purpose. Look again.
          if (!isUniqueViolation(error)) throw error
          log.debug({ worker: workerId }, 'claim raced another worker for a key; retrying')
        }
      }
      return null
    },

    async complete(job) {
      const rows = await sql`
        update jobs set status = 'succeeded', locked_by = null, locked_until = null, updated_at = ${at()}
        where ${ours(job)}
        returning id`
      return rows.length === 1
    },

    async fail(job, error) {
      const lastError = safeErrorText(error)
      if (job.attempts < job.maxAttempts) {
        const delay = backoffDelayMs(job.attempts, backoff, random)
        return (await requeue(job, delay, { attempts: job.attempts, lastError })) ? 'retry' : 'lost'
      }
      const rows = await sql`
        update jobs set
          status = 'dead', last_error = ${lastError}, locked_by = null, locked_until = null,
          updated_at = ${at()}
        where ${ours(job)}
        returning id`
      return rows.length === 1 ? 'dead' : 'lost'
    },

    release(job) {
      return requeue(job, 0, { attempts: job.attempts - 1 })
    },

    async extendLease(job, leaseMs) {
      const rows = await sql`
        update jobs set locked_until = ${later(leaseMs)}, updated_at = ${at()}
        where ${ours(job)}
        returning id`
      return rows.length === 1
    },

    async get(id) {
      const [job] = await sql<Job[]>`select ${columns} from jobs where id = ${id}`
      return job ?? null
    },

    list({ key, kind, status, limit = 100 } = {}) {
      return sql<Job[]>`
        select ${columns} from jobs
        where true
          ${key === undefined ? sql`` : sql`and key = ${key}`}
          ${kind === undefined ? sql`` : sql`and kind = ${kind}`}
          ${status === undefined ? sql`` : sql`and status = ${status}`}
        order by id
        limit ${limit}`.then((rows) => [...rows])
    },

    async stats() {
      const counts = await sql<{ status: JobStatus; kind: string; count: number }[]>`
        select status, kind, count(*)::int as count from jobs group by status, kind`
      const [ages] = await sql<{ oldestDueMs: number | null; expiredLeases: number }[]>`
        select
          (select extract(epoch from (${at()} - min(run_at)))::float8 * 1000
             from jobs where status = 'queued' and run_at <= ${at()}) as "oldestDueMs",
          (select count(*)::int
             from jobs where status = 'running' and locked_until <= ${at()}) as "expiredLeases"`
      const empty = () => ({ queued: 0, running: 0, succeeded: 0, dead: 0 })
      const byStatus = empty()
      const byKind: Record<string, Record<JobStatus, number>> = {}
      for (const { status, kind, count } of counts) {
        byStatus[status] += count
        byKind[kind] ??= empty()
        byKind[kind][status] = count
      }
      const oldestDueMs = ages?.oldestDueMs == null ? null : Math.max(0, Math.round(Number(ages.oldestDueMs)))
      return { byStatus, byKind, oldestDueMs, expiredLeases: ages?.expiredLeases ?? 0 }
    },

    async prune({ succeededOlderThanMs, deadOlderThanMs } = DEFAULT_RETENTION) {
      const rows = await sql`
        delete from jobs
        where (status = 'succeeded' and updated_at < ${later(-succeededOlderThanMs)})
           or (status = 'dead' and updated_at < ${later(-deadOlderThanMs)})
        returning id`
      return rows.length
    },
  }
}
