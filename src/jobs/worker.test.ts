import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { waitFor } from '../../test/fixtures/jobs.ts'
import { useTestDatabase } from '../../test/helpers/db.ts'
import { captureLogs } from '../../test/helpers/logs.ts'
import { createJobQueue, type Job } from './queue.ts'
import { type JobHandler, type JobWorker, startWorker, type WorkerOptions } from './worker.ts'

const db = useTestDatabase()
const SECRET = 'access-sandbox-00000000-1111-2222-3333-444444444444'

let workers: JobWorker[] = []
beforeEach(async () => {
  await db.sql`delete from jobs`
})
afterEach(async () => {
  await Promise.all(workers.map((worker) => worker.stop()))
  workers = []
})

function setup(handlers: Record<string, JobHandler>, options: Partial<WorkerOptions> = {}) {
  const logs = captureLogs()
  const queue = createJobQueue({ sql: db.sql, logger: logs.logger, backoff: { baseMs: 20, maxMs: 40 } })
  const start = (more: Partial<WorkerOptions> = {}) => {
    const worker = startWorker({
      queue,
      handlers,
      concurrency: 2,
      pollIntervalMs: 20,
      leaseMs: 5_000,
      logger: logs.logger,
      ...options,
      ...more,
    })
    workers.push(worker)
    return worker
  }
  return { queue, logs, start }
}

const statusOf = async (id: string) => (await db.sql`select status from jobs where id = ${id}`)[0]?.status
const allFinished = async () =>
  (await db.sql`select count(*)::int as n from jobs where status in ('queued', 'running')`)[0]?.n === 0

describe('worker', () => {
  test('runs every queued job, never more than `concurrency` at once, and only kinds it handles', async () => {
    let running = 0
    let most = 0
    const seen: string[] = []
    const { queue, start } = setup({
      sync: async (job) => {
        running++
        most = Math.max(most, running)
        seen.push(job.key)
        await Bun.sleep(50)
        running--
      },
    })
    for (let i = 0; i < 7; i++) await queue.enqueue('sync', `item:${i}`, { accessToken: SECRET })
    const other = await queue.enqueue('unknown-kind', 'item:x')
    start({ concurrency: 3 })
    await waitFor('all sync jobs to succeed', async () => (await queue.stats()).byKind.sync?.succeeded === 7)
    expect(most).toBe(3)
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `item:${i}`))
    expect(await statusOf(other.job.id)).toBe('queued')
  })

  test('logs each job with kind, key, attempt, duration and outcome, never its payload', async () => {
    let calls = 0
    const { queue, logs, start } = setup({
      sync: async () => {
        calls++
        if (calls < 3) throw new Error(`Plaid said ITEM_LOGIN_REQUIRED for ${SECRET}`)
      },
    })
    const { job } = await queue.enqueue('sync', 'item:1', { accessToken: SECRET, note: 'payload-marker' })
    start()
    await waitFor(
      'the job to succeed on its third attempt',
      async () => (await statusOf(job.id)) === 'succeeded',
    )
    const lines = logs.lines().filter((line) => line.job_id === job.id)
    expect(lines.map((l) => [l.attempt, l.outcome])).toEqual([
      [1, 'retry'],
      [2, 'retry'],
      [3, 'succeeded'],
    ])
    for (const line of lines) {
      expect(line).toMatchObject({ kind: 'sync', key: 'item:1', max_attempts: 5, component: 'worker' })
      expect(typeof line.duration_ms).toBe('number')
      expect(line.worker).toBeString()
    }
    expect(lines[0]?.error).toBe('Plaid said ITEM_LOGIN_REQUIRED for access-[redacted]')
    expect(logs.text()).not.toContain(SECRET)
    expect(logs.text()).not.toContain('payload-marker')
    expect((await queue.get(job.id))?.lastError).toBe('Plaid said ITEM_LOGIN_REQUIRED for access-[redacted]')
  })

  test('a job that keeps failing ends dead with its last error', async () => {
    const { queue, start } = setup({
      sync: async (job: Job) => {
        throw new Error(`attempt ${job.attempts} failed`)
      },
    })
    const { job } = await queue.enqueue('sync', 'item:1', {}, { maxAttempts: 3 })
    start()
    await waitFor('the job to die', async () => (await statusOf(job.id)) === 'dead')
    expect(await queue.get(job.id)).toMatchObject({ attempts: 3, lastError: 'attempt 3 failed' })
  })

  test('notify() starts a job at once rather than at the next poll', async () => {
    const ran: string[] = []
    const { queue, start } = setup(
      { sync: async (job) => void ran.push(job.key) },
      { pollIntervalMs: 60_000 },
    )
    const worker = start()
    // Let the first (empty) poll happen, so that only a wake-up can find the job.
    await Bun.sleep(50)
    await queue.enqueue('sync', 'item:1')
    await Bun.sleep(100)
    expect(ran).toEqual([])
    worker.notify()
    await waitFor('the job to run after notify()', () => ran.length === 1, { timeoutMs: 2_000 })
  })

  test('renews the lease of a long job so no other worker takes it over', async () => {
    const { queue, start } = setup({ slow: () => Bun.sleep(700) }, { leaseMs: 200 })
    const { job } = await queue.enqueue('slow', 'item:1')
    start()
    await waitFor('the job to start', async () => (await statusOf(job.id)) === 'running')
    const deadlines = new Set<number>()
    while ((await statusOf(job.id)) === 'running') {
      expect(await queue.claim('intruder', { leaseMs: 200 })).toBeNull()
      const until = (await queue.get(job.id))?.lockedUntil
      if (until) deadlines.add(until.getTime())
      await Bun.sleep(25)
    }
    expect(await queue.get(job.id)).toMatchObject({ status: 'succeeded', attempts: 1 })
    // 700 ms of work under a 200 ms lease: renewed every ~67 ms.
    expect(deadlines.size).toBeGreaterThanOrEqual(4)
  })

  test('a job whose lease is lost is told to stop, and its result is not recorded', async () => {
    let aborted: unknown
    const { queue, logs, start } = setup(
      {
        sync: (_job, { signal }) =>
          new Promise((_resolve, reject) =>
            signal.addEventListener('abort', () => {
              aborted = signal.reason
              reject(signal.reason)
            }),
          ),
      },
      { leaseMs: 150 },
    )
    const { job } = await queue.enqueue('sync', 'item:1')
    start()
    await waitFor('the job to start', async () => (await statusOf(job.id)) === 'running')
    // Another worker took the job over (as after a long pause of this process).
    await db.sql`update jobs set locked_by = 'thief', attempts = attempts + 1 where id = ${job.id}`
    await waitFor('the outcome to be logged', () => logs.lines().find((l) => l.job_id === job.id))
    expect(String(aborted)).toMatch(/lease was lost/)
    expect(logs.lines().find((l) => l.job_id === job.id)?.outcome).toBe('lease_lost')
    expect(await queue.get(job.id)).toMatchObject({ status: 'running', lockedBy: 'thief', attempts: 2 })
  })

  test('stop() stops claiming, aborts running jobs’ signals and waits for them', async () => {
    const events: string[] = []
    const { queue, start } = setup({
      // Ignores the signal and finishes its work.
      stubborn: async () => {
        await Bun.sleep(300)
        events.push('stubborn done')
      },
      // Honours the signal: gives up at once.
      polite: (_job, { signal }) =>
        new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => {
            events.push('polite aborted')
            reject(signal.reason)
          }),
        ),
    })
    const stubborn = await queue.enqueue('stubborn', 'item:1')
    const polite = await queue.enqueue('polite', 'item:2')
    const worker = start()
    await waitFor('both jobs to run', () => worker.active === 2)
    const later = await queue.enqueue('stubborn', 'item:3')

    const started = performance.now()
    await worker.stop()
    events.push('stopped')
    expect(performance.now() - started).toBeGreaterThan(150)
    expect(events).toEqual(['polite aborted', 'stubborn done', 'stopped'])
    expect(await statusOf(stubborn.job.id)).toBe('succeeded')
    // Released for another process, the interrupted attempt not counted.
    expect(await queue.get(polite.job.id)).toMatchObject({ status: 'queued', attempts: 0, lockedBy: null })
    expect(await queue.get(later.job.id)).toMatchObject({ status: 'queued', attempts: 0 })
    expect(worker.active).toBe(0)
    await worker.stop()
  })

  test('concurrency 0 claims nothing (an API-only replica)', async () => {
    let calls = 0
    const { queue, logs, start } = setup({ sync: async () => void calls++ }, { concurrency: 0 })
    const { job } = await queue.enqueue('sync', 'item:1')
    const worker = start()
    worker.notify()
    // Fifteen poll intervals; the control below shows a working worker needs far less.
    await Bun.sleep(300)
    expect(calls).toBe(0)
    expect(await queue.get(job.id)).toMatchObject({ status: 'queued', attempts: 0 })
    expect(logs.lines().some((l) => l.msg === 'job worker disabled')).toBe(true)
    await worker.stop()
    start({ concurrency: 1 })
    await waitFor('a normal worker to run the job', async () => allFinished(), { timeoutMs: 300 })
    expect(calls).toBe(1)
  })

  test('keeps polling through database errors and recovers', async () => {
    const logs = captureLogs()
    const real = createJobQueue({ sql: db.sql, logger: logs.logger })
    let broken = true
    const queue = {
      ...real,
      claim: (...args: Parameters<typeof real.claim>) =>
        broken ? Promise.reject(new Error('connection refused')) : real.claim(...args),
    }
    let calls = 0
    const worker = startWorker({
      queue,
      handlers: { sync: async () => void calls++ },
      concurrency: 1,
      pollIntervalMs: 10,
      leaseMs: 5_000,
      logger: logs.logger,
    })
    workers.push(worker)
    await real.enqueue('sync', 'item:1')
    await waitFor('the failure to be logged', () =>
      logs.lines().some((l) => l.msg?.toString().includes('claiming')),
    )
    await Bun.sleep(50)
    // Logged once per outage, not once per poll.
    expect(logs.lines().filter((l) => l.msg?.toString().includes('claiming'))).toHaveLength(1)
    broken = false
    await waitFor('the job to run once the database is back', () => calls === 1)
  })

  test('a success that cannot be recorded is left to its lease, not counted as a failure', async () => {
    const logs = captureLogs()
    const real = createJobQueue({ sql: db.sql, logger: logs.logger })
    const queue = { ...real, complete: () => Promise.reject(new Error('connection reset')) }
    const worker = startWorker({
      queue,
      handlers: { sync: async () => {} },
      concurrency: 1,
      pollIntervalMs: 10,
      leaseMs: 5_000,
      logger: logs.logger,
    })
    workers.push(worker)
    const { job } = await real.enqueue('sync', 'item:1')
    const line = await waitFor('the outcome to be logged', () =>
      logs.lines().find((l) => l.job_id === job.id),
    )
    expect(line).toMatchObject({ outcome: 'unrecorded', level: 'error' })
    expect(line.error).toBe('succeeded; recording the outcome failed: connection reset')
    expect(await real.get(job.id)).toMatchObject({ status: 'running', attempts: 1, lastError: null })
  })
})
