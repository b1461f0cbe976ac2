import { beforeEach, describe, expect, test } from 'bun:test'
import { manualClock } from '../../test/fixtures/jobs.ts'
import { useTestDatabase } from '../../test/helpers/db.ts'
import { rejectionOf } from '../../test/helpers/errors.ts'
import { captureLogs } from '../../test/helpers/logs.ts'
import { backoffDelayMs, createJobQueue, DEFAULT_BACKOFF, type Job, type JobQueueOptions } from './queue.ts'

const db = useTestDatabase()
const LEASE = 30_000

beforeEach(async () => {
  await db.sql`delete from jobs`
})

function setup(options: Partial<JobQueueOptions> = {}) {
  const clock = manualClock()
  const logs = captureLogs()
  const queue = createJobQueue({ sql: db.sql, logger: logs.logger, now: clock.now, ...options })
  return { clock, queue, logs }
}

const rows = () =>
  db.sql<{ id: string; kind: string; key: string; status: string; attempts: number }[]>`
    select id, kind, key, status, attempts from jobs order by id`

const claimOrFail = async (queue: ReturnType<typeof setup>['queue'], worker = 'w1', leaseMs = LEASE) => {
  const job = await queue.claim(worker, { leaseMs })
  if (!job) throw new Error('expected a job to claim')
  return job
}

describe('enqueue', () => {
  test('returns the queued job for the same kind and key instead of adding another', async () => {
    const { queue } = setup()
    const first = await queue.enqueue('sync', 'item:1', { itemId: '1' })
    expect(first.created).toBe(true)
    expect(first.job).toMatchObject({
      kind: 'sync',
      key: 'item:1',
      status: 'queued',
      attempts: 0,
      maxAttempts: 5,
    })
    expect(first.job.payload).toEqual({ itemId: '1' })

    const again = await queue.enqueue('sync', 'item:1', { itemId: '1', reason: 'webhook' })
    expect(again).toMatchObject({ created: false, job: { id: first.job.id } })
    // The first payload stands: a duplicate request adds nothing.
    expect(again.job.payload as unknown).toEqual({ itemId: '1' })

    expect((await queue.enqueue('sync', 'item:2')).created).toBe(true)
    expect((await queue.enqueue('remove', 'item:1')).created).toBe(true)
    expect((await rows()).map((r) => `${r.kind} ${r.key}`)).toEqual([
      'sync item:1',
      'sync item:2',
      'remove item:1',
    ])
  })

  test('a new request moves a delayed job earlier, but never a job waiting out its backoff', async () => {
    const { queue, clock } = setup({ random: () => 1 })
    const later = new Date(clock.ms + 60_000)
    const delayed = await queue.enqueue('sync', 'item:1', {}, { runAt: later })
    expect(delayed.job.runAt).toEqual(later)
    const sooner = await queue.enqueue('sync', 'item:1')
    expect(sooner).toMatchObject({ created: false, job: { id: delayed.job.id } })
    expect(sooner.job.runAt).toEqual(clock.now())
    // …and never later.
    expect((await queue.enqueue('sync', 'item:1', {}, { runAt: later })).job.runAt).toEqual(clock.now())

    const job = await claimOrFail(queue)
    expect(await queue.fail(job, 'upstream timeout')).toBe('retry')
    const retry = await queue.get(job.id)
    expect(retry?.runAt).toEqual(new Date(clock.ms + DEFAULT_BACKOFF.baseMs))
    expect((await queue.enqueue('sync', 'item:1')).job.runAt).toEqual(retry?.runAt as Date)
  })

  test('while the job runs, exactly one follow-up is queued, and it waits for the running one', async () => {
    const { queue } = setup()
    await queue.enqueue('sync', 'item:1')
    const running = await claimOrFail(queue)

    const followUps = [
      await queue.enqueue('sync', 'item:1'),
      await queue.enqueue('sync', 'item:1'),
      await queue.enqueue('sync', 'item:1'),
    ]
    expect(followUps.map((f) => f.created)).toEqual([true, false, false])
    expect(new Set(followUps.map((f) => f.job.id)).size).toBe(1)
    expect(followUps[0]?.job.id).not.toBe(running.id)
    expect((await rows()).map((r) => r.status)).toEqual(['running', 'queued'])

    expect(await queue.claim('w2', { leaseMs: LEASE })).toBeNull()
    expect(await queue.complete(running)).toBe(true)
    expect((await claimOrFail(queue, 'w2')).id).toBe(followUps[0]?.job.id as string)
  })

  test('rejects kinds and keys the table does not accept', async () => {
    const { queue } = setup()
    expect((await rejectionOf(queue.enqueue('Bad Kind', 'item:1'))).message).toMatch(/check constraint/)
    expect((await rejectionOf(queue.enqueue('sync', ''))).message).toMatch(/check constraint/)
  })
})

describe('claim', () => {
  test('hands out due jobs in run_at order, then nothing', async () => {
    const { queue, clock } = setup()
    const at = (seconds: number) => ({ runAt: new Date(clock.ms + seconds * 1000) })
    await queue.enqueue('sync', 'item:c', {}, at(3))
    await queue.enqueue('sync', 'item:a', {}, at(1))
    await queue.enqueue('sync', 'item:b', {}, at(2))
    await queue.enqueue('sync', 'item:later', {}, at(3600))
    expect(await queue.claim('w1', { leaseMs: LEASE })).toBeNull()

    clock.advance(10_000)
    const claimed: string[] = []
    for (
      let job = await queue.claim('w1', { leaseMs: LEASE });
      job;
      job = await queue.claim('w1', { leaseMs: LEASE })
    )
      claimed.push(job.key)
    expect(claimed).toEqual(['item:a', 'item:b', 'item:c'])
  })

  test('marks the job running under the worker with a lease and counts the attempt', async () => {
    const { queue, clock } = setup()
    await queue.enqueue('sync', 'item:1')
    const job = await claimOrFail(queue, 'worker-7', 45_000)
    expect(job).toMatchObject({ status: 'running', attempts: 1, lockedBy: 'worker-7' })
    expect(job.lockedUntil).toEqual(new Date(clock.ms + 45_000))
  })

  test('only the kinds asked for', async () => {
    const { queue } = setup()
    await queue.enqueue('sync', 'item:1')
    await queue.enqueue('refresh', 'item:2')
    expect(await queue.claim('w1', { kinds: [], leaseMs: LEASE })).toBeNull()
    expect((await queue.claim('w1', { kinds: ['refresh'], leaseMs: LEASE }))?.kind).toBe('refresh')
    expect(await queue.claim('w1', { kinds: ['refresh', 'other'], leaseMs: LEASE })).toBeNull()
    expect((await queue.claim('w1', { kinds: ['sync'], leaseMs: LEASE }))?.kind).toBe('sync')
  })

  test('never starts a job whose key has another job running, whatever its kind', async () => {
    const { queue } = setup()
    await queue.enqueue('sync', 'item:1')
    await queue.enqueue('remove', 'item:1')
    await queue.enqueue('sync', 'item:2')
    const first = await claimOrFail(queue)
    const second = await claimOrFail(queue)
    expect([first.key, second.key]).toEqual(['item:1', 'item:2'])
    expect(await queue.claim('w2', { leaseMs: LEASE })).toBeNull()
    await queue.complete(first)
    expect((await claimOrFail(queue, 'w2')).kind).toBe('remove')
  })

  test('the database refuses a second running job for a key even if a claim got it wrong', async () => {
    const { queue } = setup()
    await queue.enqueue('sync', 'item:1')
    const { job } = await queue.enqueue('remove', 'item:1')
    await claimOrFail(queue)
    const error = await rejectionOf(
      db.sql`update jobs set status = 'running', locked_by = 'rogue', locked_until = now() where id = ${job.id}`,
    )
    expect(error.message).toMatch(/jobs_one_running_per_key/)
  })
})

describe('failures', () => {
  test('backoff doubles from 5 s with jitter in the upper half, capped at an hour', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 20, 100].map((attempt) =>
      backoffDelayMs(attempt, DEFAULT_BACKOFF, () => 1),
    )
    expect(delays.slice(0, 6)).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000])
    expect(delays.slice(-3)).toEqual([3_600_000, 3_600_000, 3_600_000])
    expect(backoffDelayMs(3, DEFAULT_BACKOFF, () => 0)).toBe(10_000)
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelayMs(4, DEFAULT_BACKOFF, Math.random)
      expect(delay).toBeGreaterThanOrEqual(20_000)
      expect(delay).toBeLessThanOrEqual(40_000)
    }
  })

  test('each failure retries later than the one before; after max attempts the job is dead with its last error', async () => {
    const { queue, clock } = setup({ random: () => 1 })
    await queue.enqueue('sync', 'item:1', {}, { maxAttempts: 4 })
    const waits: number[] = []
    for (let attempt = 1; attempt <= 4; attempt++) {
      const job = await claimOrFail(queue)
      expect(job.attempts).toBe(attempt)
      const outcome = await queue.fail(job, `upstream said no (${attempt})`)
      const after = (await queue.get(job.id)) as Job
      if (attempt < 4) {
        expect(outcome).toBe('retry')
        expect(after).toMatchObject({ status: 'queued', lockedBy: null, lockedUntil: null })
        waits.push(after.runAt.getTime() - clock.ms)
        // Not due a moment before its time.
        clock.advance(waits.at(-1) as number)
        clock.advance(-1)
        expect(await queue.claim('w1', { leaseMs: LEASE })).toBeNull()
        clock.advance(1)
      } else {
        expect(outcome).toBe('dead')
        expect(after).toMatchObject({
          status: 'dead',
          attempts: 4,
          lastError: 'upstream said no (4)',
          lockedBy: null,
        })
      }
    }
    expect(waits).toEqual([5_000, 10_000, 20_000])
    clock.advance(24 * 3_600_000)
    expect(await queue.claim('w1', { leaseMs: LEASE })).toBeNull()
  })

  test('the stored error is scrubbed of secrets, flattened and truncated', async () => {
    const { queue } = setup()
    await queue.enqueue('sync', 'item:1', {}, { maxAttempts: 1 })
    const job = await claimOrFail(queue)
    const token = 'access-sandbox-8ab976e6-64bc-4b38-98f7-731e7a349970'
    const message = `plaid failed for ${token}\nat postgres://tally:hunter2@db/tally ${'x'.repeat(5000)}`
    expect(await queue.fail(job, message)).toBe('dead')
    const { lastError } = (await queue.get(job.id)) as Job
    expect(lastError).not.toContain(token)
    expect(lastError).not.toContain('hunter2')
    expect(lastError).not.toContain('\n')
    expect(lastError?.length).toBe(1000)
    expect(lastError).toStartWith(
      'plaid failed for access-[redacted] at postgres://tally:[redacted]@db/tally',
    )
  })

  test('a retry absorbs a follow-up queued meanwhile; a dead job leaves it to run', async () => {
    const { queue, clock } = setup()
    await queue.enqueue('sync', 'item:1', {}, { maxAttempts: 2 })
    const first = await claimOrFail(queue)
    await queue.enqueue('sync', 'item:1')
    expect(await queue.fail(first, 'boom')).toBe('retry')
    expect([...(await rows())]).toEqual([
      { id: first.id, kind: 'sync', key: 'item:1', status: 'queued', attempts: 1 },
    ])

    clock.advance(DEFAULT_BACKOFF.baseMs)
    const second = await claimOrFail(queue)
    expect(second).toMatchObject({ id: first.id, attempts: 2 })
    const followUp = await queue.enqueue('sync', 'item:1')
    expect(await queue.fail(second, 'boom again')).toBe('dead')
    expect((await claimOrFail(queue)).id).toBe(followUp.job.id)
  })

  test('release puts the job back at once without counting the attempt', async () => {
    const { queue } = setup()
    await queue.enqueue('sync', 'item:1')
    const job = await claimOrFail(queue)
    expect(await queue.release(job)).toBe(true)
    expect(await queue.get(job.id)).toMatchObject({ status: 'queued', attempts: 0, lockedBy: null })
    expect((await claimOrFail(queue, 'w2')).attempts).toBe(1)
    expect(await queue.release(job)).toBe(false)
  })
})

describe('leases', () => {
  test('a job whose lease ran out is taken over, and its first worker can no longer record anything', async () => {
    const { queue, clock } = setup()
    await queue.enqueue('sync', 'item:1')
    const stale = await claimOrFail(queue, 'w1')
    clock.advance(LEASE - 1)
    expect(await queue.claim('w2', { leaseMs: LEASE })).toBeNull()

    clock.advance(1)
    const taken = await claimOrFail(queue, 'w2')
    expect(taken).toMatchObject({ id: stale.id, status: 'running', lockedBy: 'w2', attempts: 2 })
    expect(taken.lastError).toMatch(/lease of worker w1 ran out during attempt 1/)

    expect(await queue.complete(stale)).toBe(false)
    expect(await queue.fail(stale, 'late')).toBe('lost')
    expect(await queue.extendLease(stale, LEASE)).toBe(false)
    expect(await queue.release(stale)).toBe(false)
    expect(await queue.complete(taken)).toBe(true)
    expect(await queue.get(stale.id)).toMatchObject({ status: 'succeeded', attempts: 2 })
  })

  test('extending the lease keeps the job from being taken over', async () => {
    const { queue, clock } = setup()
    await queue.enqueue('sync', 'item:1')
    const job = await claimOrFail(queue)
    for (let i = 0; i < 3; i++) {
      clock.advance(LEASE - 1000)
      expect(await queue.extendLease(job, LEASE)).toBe(true)
      expect(await queue.claim('w2', { leaseMs: LEASE })).toBeNull()
    }
    expect((await queue.get(job.id))?.lockedUntil).toEqual(new Date(clock.ms + LEASE))
  })

  test('a job whose worker dies on its last attempt is dead, not retried', async () => {
    const { queue, clock, logs } = setup()
    await queue.enqueue('sync', 'item:1', { accessToken: 'never-logged' }, { maxAttempts: 1 })
    const job = await claimOrFail(queue)
    clock.advance(LEASE)
    expect(await queue.claim('w2', { leaseMs: LEASE })).toBeNull()
    const dead = (await queue.get(job.id)) as Job
    expect(dead).toMatchObject({ status: 'dead', attempts: 1, lockedBy: null })
    expect(dead.lastError).toMatch(/lease of worker w1 ran out during the last attempt \(1 of 1\)/)
    expect(logs.lines().find((l) => l.msg === 'job dead: lease ran out')).toMatchObject({ key: 'item:1' })
    expect(logs.text()).not.toContain('never-logged')
  })
})

describe('stats, list and prune', () => {
  test('count by status and kind, and report how long the oldest due job has waited', async () => {
    const { queue, clock } = setup()
    expect(await queue.stats()).toEqual({
      byStatus: { queued: 0, running: 0, succeeded: 0, dead: 0 },
      byKind: {},
      oldestDueMs: null,
      expiredLeases: 0,
    })
    await queue.enqueue('sync', 'item:1')
    clock.advance(1000)
    await queue.enqueue('sync', 'item:2')
    await queue.enqueue('sync', 'item:3', {}, { runAt: new Date(clock.ms + 3_600_000) })
    await queue.enqueue('remove', 'item:4', {}, { maxAttempts: 1 })
    clock.advance(4000)
    expect((await claimOrFail(queue, 'w1', 1000)).key).toBe('item:1')
    const removal = await queue.claim('w1', { kinds: ['remove'], leaseMs: LEASE })
    expect(await queue.fail(removal as Job, 'gone')).toBe('dead')
    clock.advance(2000)

    expect(await queue.stats()).toEqual({
      byStatus: { queued: 2, running: 1, succeeded: 0, dead: 1 },
      byKind: {
        sync: { queued: 2, running: 1, succeeded: 0, dead: 0 },
        remove: { queued: 0, running: 0, succeeded: 0, dead: 1 },
      },
      // item:2 has been due since 1 s after the start; item:3 is not due yet.
      oldestDueMs: 6000,
      // item:1's one-second lease ran out.
      expiredLeases: 1,
    })
  })

  test('list filters by key, kind and status', async () => {
    const { queue } = setup()
    await queue.enqueue('sync', 'item:1')
    await queue.enqueue('remove', 'item:1')
    await queue.enqueue('sync', 'item:2')
    expect((await queue.list({ key: 'item:1' })).map((j) => j.kind)).toEqual(['sync', 'remove'])
    expect((await queue.list({ kind: 'sync' })).map((j) => j.key)).toEqual(['item:1', 'item:2'])
    expect(await queue.list({ status: 'running' })).toEqual([])
    expect(await queue.list({ limit: 1 })).toHaveLength(1)
  })

  test('prune removes succeeded and dead jobs past their retention, and nothing else', async () => {
    const { queue, clock } = setup()
    const days = (n: number) => n * 24 * 3_600_000
    for (const key of ['item:old-ok', 'item:old-dead', 'item:new-ok', 'item:running', 'item:queued'])
      await queue.enqueue('sync', key, {}, { maxAttempts: 1 })
    const finish = async (succeed: boolean) => {
      const job = await claimOrFail(queue)
      await (succeed ? queue.complete(job) : queue.fail(job, 'x'))
    }
    await finish(true)
    await finish(false)
    clock.advance(days(10))
    await finish(true)
    await claimOrFail(queue)
    expect(await queue.prune({ succeededOlderThanMs: days(30), deadOlderThanMs: days(30) })).toBe(0)
    // The default keeps successes a week and dead jobs a month.
    expect(await queue.prune()).toBe(1)
    expect((await rows()).map((r) => `${r.key} ${r.status}`)).toEqual([
      'item:old-dead dead',
      'item:new-ok succeeded',
      'item:running running',
      'item:queued queued',
    ])
    clock.advance(1)
    expect(await queue.prune({ succeededOlderThanMs: 0, deadOlderThanMs: 0 })).toBe(2)
    expect((await rows()).map((r) => r.status)).toEqual(['running', 'queued'])
  })
})
