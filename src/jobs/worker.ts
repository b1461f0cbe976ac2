import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import type { Logger } from '../logger.ts'
import { describeThrown } from './error-text.ts'
import type { Job, JobQueue } from './queue.ts'

export interface JobContext {
  /** Aborted when the worker stops or the job's lease was lost: finish up (save progress) and return. */
  signal: AbortSignal
}

// biome-ignore lint/suspicious/noExplicitAny: handlers narrow the payload of their own kind
export type JobHandler = (job: Job<any>, context: JobContext) => Promise<void>

export interface WorkerOptions {
  queue: JobQueue
  handlers: Record<string, JobHandler>
  /** Jobs run at once; 0 starts nothing (an API-only replica). */
  concurrency: number
  /** How often an idle worker looks for due jobs when nothing wakes it. */
  pollIntervalMs: number
  /** The claim's lease; renewed every third of it while a job runs. */
  leaseMs: number
  logger: Logger
  /** Name in jobs.locked_by; unique per process by default. */
  workerId?: string
}

export type JobOutcome = 'succeeded' | 'retry' | 'dead' | 'released' | 'lease_lost' | 'unrecorded'

export interface JobWorker {
  readonly workerId: string
  /** Jobs running right now. */
  readonly active: number
  /** Look for jobs now instead of at the next poll (call after enqueueing in this process). */
  notify(): void
  /** Stops claiming, asks running jobs to stop (their signal aborts) and waits for them. */
  stop(): Promise<void>
}

export function defaultWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`
}

/**
 * Runs jobs from the queue, up to `concurrency` at once, until stopped. Never throws: a database that
 * is down makes it log and try again at the next poll, and a job whose outcome could not be recorded
 * is left to its lease, after which another worker retries it.
 */
export function startWorker(options: WorkerOptions): JobWorker {
  const { queue, handlers, concurrency, pollIntervalMs, leaseMs, logger } = options
  const workerId = options.workerId ?? defaultWorkerId()
  const log = logger.child({ component: 'worker', worker: workerId })
  const kinds = Object.keys(handlers)

  if (concurrency <= 0 || kinds.length === 0) {
    log.info({ concurrency, kinds }, 'job worker disabled')
    return { workerId, active: 0, notify() {}, stop: async () => {} }
  }

  const running = new Map<string, { controller: AbortController; done: Promise<void> }>()
  let stopping = false
  let stopped: Promise<void> | undefined
  // A wake-up that arrives while the loop is busy is remembered, so the next wait returns at once.
  let woken = false
  let wake: (() => void) | undefined
  const notify = () => {
    woken = true
    wake?.()
  }

  async function idle() {
    if (woken) return
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, pollIntervalMs)
      wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })
    wake = undefined
  }

  async function runJob(job: Job, controller: AbortController) {
    const started = performance.now()
    const handler = handlers[job.kind] as JobHandler
    let leaseLost = false
    let renewal: Promise<void> | undefined
    const renew = setInterval(
      () => {
        renewal ??= queue
          .extendLease(job, leaseMs)
          .then((ours) => {
            if (ours || leaseLost) return
            leaseLost = true
            controller.abort(new Error('the job’s lease was lost to another worker'))
          })
          .catch((error) => log.warn({ job_id: job.id, err: describeThrown(error) }, 'lease renewal failed'))
          .finally(() => {
            renewal = undefined
          })
      },
      Math.max(10, Math.floor(leaseMs / 3)),
    )

    let succeeded = false
    let error: string | undefined
    try {
      await handler(job, { signal: controller.signal })
      succeeded = true
    } catch (thrown) {
      error = describeThrown(thrown)
    } finally {
      clearInterval(renew)
      await renewal
    }

    let outcome: JobOutcome
    try {
      if (leaseLost) outcome = 'lease_lost'
      else if (succeeded) outcome = (await queue.complete(job)) ? 'succeeded' : 'lease_lost'
      // Asked to stop for shutdown: the attempt does not count; another process picks the job up.
      else if (stopping && controller.signal.aborted)
        outcome = (await queue.release(job)) ? 'released' : 'lease_lost'
      else {
        const failed = await queue.fail(job, error as string)
        outcome = failed === 'lost' ? 'lease_lost' : failed
      }
    } catch (recording) {
      // The lease runs out and another worker retries the job.
      outcome = 'unrecorded'
      error = `${error ?? 'succeeded'}; recording the outcome failed: ${describeThrown(recording)}`
    }
    const fields = {
      job_id: job.id,
      kind: job.kind,
      key: job.key,
      attempt: job.attempts,
      max_attempts: job.maxAttempts,
      duration_ms: Math.round(performance.now() - started),
      outcome,
      ...(error === undefined ? {} : { error }),
    }
    if (outcome === 'succeeded' || outcome === 'released') log.info(fields, 'job finished')
    else if (outcome === 'dead' || outcome === 'unrecorded') log.error(fields, 'job failed')
    else log.warn(fields, 'job failed')
  }

  function start(job: Job) {
    const controller = new AbortController()
    const done = runJob(job, controller)
      .catch((error) => log.error({ job_id: job.id, err: describeThrown(error) }, 'job runner crashed'))
      .finally(() => {
        running.delete(job.id)
        notify()
      })
    running.set(job.id, { controller, done })
  }

  const loop = (async () => {
    let failures = 0
    while (!stopping) {
      woken = false
      try {
        while (!stopping && running.size < concurrency) {
          const job = await queue.claim(workerId, { kinds, leaseMs })
          if (!job) break
          if (stopping) {
            await queue.release(job)
            break
          }
          start(job)
        }
        failures = 0
      } catch (error) {
        failures++
        // Logged once per outage rather than every poll.
        if (failures === 1)
          log.error({ err: describeThrown(error) }, 'claiming jobs failed; will keep trying')
      }
      if (!stopping) await idle()
    }
  })()

  log.info({ concurrency, kinds, poll_interval_ms: pollIntervalMs, lease_ms: leaseMs }, 'job worker started')

  return {
    workerId,
    get active() {
      return running.size
    },
    notify,
    stop() {
      stopped ??= (async () => {
        stopping = true
        notify()
        for (const { controller } of running.values()) controller.abort(new Error('the worker is stopping'))
        await loop
        await Promise.all([...running.values()].map((entry) => entry.done))
        log.info('job worker stopped')
      })()
      return stopped
    },
  }
}
