import { beforeEach, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { waitFor } from '../../test/fixtures/jobs.ts'
import { useTestDatabase } from '../../test/helpers/db.ts'
import { captureLogs } from '../../test/helpers/logs.ts'
import { createJobQueue } from './queue.ts'

// Workers in separate processes, each with its own connection, as several `tally serve` replicas
// would run them: on a real server these race for rows for real; on PGlite they share one backend.
const db = useTestDatabase()
const RUNNER = join(import.meta.dir, '../../test/fixtures/job-worker-process.ts')

beforeEach(async () => {
  await db.sql`drop table if exists job_active, job_overlaps, job_runs`
  await db.sql`delete from jobs`
  await db.sql`create table job_active (key text primary key, worker text not null)`
  await db.sql`create table job_overlaps (key text not null, worker text not null)`
  await db.sql`
    create table job_runs (
      job_id bigint not null, key text not null, worker text not null,
      started_at timestamptz not null, ended_at timestamptz
    )`
})

function spawnWorker(workerId: string, leaseMs: number) {
  const child = Bun.spawn(['bun', RUNNER, db.url, workerId, String(leaseMs)], {
    stdout: 'pipe',
    stderr: 'pipe',
  })
  let stdout = ''
  let stderr = ''
  const collect = async (stream: ReadableStream<Uint8Array>, add: (text: string) => void) => {
    const decoder = new TextDecoder()
    for await (const chunk of stream) add(decoder.decode(chunk, { stream: true }))
  }
  const drained = Promise.all([
    collect(child.stdout, (text) => {
      stdout += text
    }),
    collect(child.stderr, (text) => {
      stderr += text
    }),
  ])
  return {
    child,
    ready: () => waitFor(`${workerId} to start`, () => stdout.includes('ready\n') || child.exitCode !== null),
    async stop() {
      child.kill('SIGTERM')
      const code = await child.exited
      await drained
      expect({ workerId, code, stderr }).toEqual({ workerId, code: 0, stderr: '' })
      return JSON.parse(stdout.split('\n')[1] as string) as { finished: number }
    },
  }
}

const pending = async () =>
  (await db.sql`select count(*)::int as n from jobs where status in ('queued', 'running')`)[0]?.n as number

describe('workers in separate processes', () => {
  test('never run the same key at once, and every job runs exactly once', async () => {
    const queue = createJobQueue({ sql: db.sql, logger: captureLogs().logger })
    const workers = [spawnWorker('p1', 10_000), spawnWorker('p2', 10_000)]
    let results: { finished: number }[] = []
    try {
      await Promise.all(workers.map((w) => w.ready()))
      // Few keys, two kinds per key, and new requests while jobs run (follow-ups): plenty of chances
      // for two processes to want the same key at once.
      const keys = ['item:1', 'item:2', 'item:3', 'item:4', 'item:5']
      for (let round = 0; round < 6; round++) {
        for (const key of keys) for (const kind of ['a', 'b']) await queue.enqueue(kind, key)
        await Bun.sleep(40)
      }
      await waitFor('every job to finish', async () => (await pending()) === 0, { timeoutMs: 20_000 })
    } finally {
      results = await Promise.all(workers.map((w) => w.stop()))
    }

    expect([...(await db.sql`select key, worker from job_overlaps`)]).toEqual([])
    const overlapping = await db.sql`
      select a.key from job_runs a join job_runs b
        on a.key = b.key and a.job_id <> b.job_id
       and a.started_at < b.ended_at and b.started_at < a.ended_at`
    expect([...overlapping]).toEqual([])

    const jobs = await db.sql<{ id: string; status: string; attempts: number }[]>`
      select id, status, attempts from jobs order by id`
    expect(jobs.length).toBeGreaterThan(10)
    expect(jobs.every((j) => j.status === 'succeeded' && j.attempts === 1)).toBe(true)
    const runs = await db.sql<
      { job_id: string; ended_at: Date | null }[]
    >`select job_id, ended_at from job_runs order by job_id`
    expect(runs.map((r) => r.job_id)).toEqual(jobs.map((j) => j.id))
    expect(runs.every((r) => r.ended_at !== null)).toBe(true)
    // Both processes took part, and between them finished every job.
    expect(results.map((r) => r.finished > 0)).toEqual([true, true])
    expect(results[0]!.finished + results[1]!.finished).toBe(jobs.length)
    // The contention was real: some key was run by both processes.
    const [shared] = await db.sql`
      select count(*)::int as n from (select key from job_runs group by key having count(distinct worker) > 1) k`
    expect(shared?.n).toBeGreaterThan(0)
  })

  test('a job whose process is killed mid-run is taken over by another after the lease', async () => {
    const queue = createJobQueue({ sql: db.sql, logger: captureLogs().logger })
    const doomed = spawnWorker('doomed', 600)
    await doomed.ready()
    const { job } = await queue.enqueue('a', 'item:1', { hangOn: 'doomed' })
    await waitFor('the doomed process to start the job', async () => {
      const [run] = await db.sql`select 1 from job_runs where job_id = ${job.id}`
      return run
    })
    doomed.child.kill('SIGKILL')
    await doomed.child.exited
    // What the killed process would have cleaned up itself.
    await db.sql`delete from job_active where worker = 'doomed'`

    const survivor = spawnWorker('survivor', 600)
    try {
      await survivor.ready()
      await waitFor(
        'the survivor to finish the job',
        async () => (await queue.get(job.id))?.status === 'succeeded',
      )
    } finally {
      await survivor.stop()
    }
    const taken = await queue.get(job.id)
    expect(taken).toMatchObject({ status: 'succeeded', attempts: 2 })
    expect(taken?.lastError).toMatch(/lease of worker doomed ran out during attempt 1/)
    expect((await db.sql`select worker from job_runs order by started_at`).map((r) => r.worker)).toEqual([
      'doomed',
      'survivor',
    ])
    expect([...(await db.sql`select * from job_overlaps`)]).toEqual([])
  })
})
