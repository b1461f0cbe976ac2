import { describe, expect, test } from 'bun:test'
import { useTestApp } from './helpers/app.ts'
import {
  control,
  drainJobs,
  linkBank,
  plaidItemId,
  startJobs,
  storedTransactions,
  truthOf,
} from './helpers/bank.ts'
import { tempDir } from './helpers/config.ts'
import { childEnv, freePort, MAIN, runTally } from './helpers/process.ts'
import { signUp } from './helpers/users.ts'

/**
 * The sync engine must end with exactly the bank's data whatever goes wrong on the way: Plaid
 * failing, data changing mid-pagination, two workers, a worker killed mid-sync.
 */
const tally = useTestApp()

async function faults(rule: Record<string, unknown>) {
  const { status } = await control(tally, 'PUT', '/simulator/faults', rule)
  expect(status).toBe(200)
}
const clearFaults = () => control(tally, 'DELETE', '/simulator/faults')
const bigItems = (n: number | null) =>
  control(tally, 'PUT', '/simulator/settings', { transactions_per_item: n })

async function expectTruth(itemId: string) {
  const plaidItem = await plaidItemId(tally, itemId)
  const truth = await truthOf(tally, plaidItem)
  const stored = await storedTransactions(tally, itemId)
  expect(stored.length).toBe(truth.length)
  expect(stored).toEqual(truth)
  expect(new Set(stored.map((t) => t.id)).size).toBe(stored.length)
}

describe('sync under faults', () => {
  test('500s, 429s and dropped connections: the Plaid client and the job retry until the result equals the truth', async () => {
    const jobs = startJobs(tally)
    await bigItems(2600) // six pages of 500
    try {
      const user = await signUp(tally)
      const item = await linkBank(tally, user)
      await faults({
        endpoint: '/transactions/sync',
        internal_error_rate: 0.3,
        rate_limit_rate: 0.2,
        drop_connection_rate: 0.1,
      })
      await drainJobs(tally, jobs, 60_000)
      await clearFaults()
      await drainJobs(tally, jobs)
      await expectTruth(item.id)
      const retried = tally.logs
        .lines()
        .filter((l) => (l.plaid as { retry_in_ms?: number } | undefined)?.retry_in_ms !== undefined)
      expect(retried.length).toBeGreaterThan(0)
    } finally {
      await clearFaults()
      await bigItems(null)
    }
  }, 120_000)

  test('data changing during pagination restarts the loop from the stored cursor; nothing is lost or doubled', async () => {
    const jobs = startJobs(tally)
    await bigItems(2600)
    try {
      const user = await signUp(tally)
      await faults({ endpoint: '/transactions/sync', mutation_during_pagination_rate: 0.3 })
      const item = await linkBank(tally, user, 'ins_109512')
      await drainJobs(tally, jobs, 60_000)
      await clearFaults()
      await drainJobs(tally, jobs)
      await expectTruth(item.id)
      expect(tally.logs.text()).toContain('restarting from the stored cursor')
    } finally {
      await clearFaults()
      await bigItems(null)
    }
  }, 120_000)

  test('two workers on the same items: each item is synced by one at a time, and all end equal to the truth', async () => {
    const a = startJobs(tally)
    const b = startJobs(tally)
    const user = await signUp(tally)
    const items = [
      await linkBank(tally, user, 'ins_109509'),
      await linkBank(tally, user, 'ins_109510'),
      await linkBank(tally, user, 'ins_109511'),
    ]
    await faults({ endpoint: '/transactions/sync', latency_ms: 15 })
    const { queueSync } = await import('../src/plaid/jobs.ts')
    const { createJobQueue } = await import('../src/jobs/queue.ts')
    const queue = createJobQueue({ sql: tally.db.sql, logger: tally.logs.logger, now: tally.clock.now })
    let overlaps = 0
    let sampling = true
    const sampler = (async () => {
      while (sampling) {
        const rows = await tally.db.sql`
          select key from jobs where status = 'running' group by key having count(*) > 1`
        overlaps += rows.length
        await Bun.sleep(5)
      }
    })()
    for (let round = 0; round < 3; round++) {
      for (const item of items) await queueSync(queue, item.id, 'webhook')
      a.notify()
      b.notify()
      await Bun.sleep(30)
    }
    await drainJobs(tally, a, 60_000)
    sampling = false
    await sampler
    await clearFaults()
    expect(overlaps).toBe(0)
    for (const item of items) await expectTruth(item.id)
    const perKey = await tally.db.sql`
      select key, count(*)::int as runs from jobs where status = 'succeeded' and key like 'item:%' group by key`
    expect(perKey.length).toBeGreaterThanOrEqual(3)
  }, 90_000)
})

describe('a worker killed mid-sync', () => {
  test('commits nothing half-way; a restarted worker finishes and the result equals the truth', async () => {
    await bigItems(3000)
    const user = await signUp(tally)
    const item = await linkBank(tally, user, 'ins_109511')
    await bigItems(null)
    await faults({ endpoint: '/transactions/sync', latency_ms: 400 }) // ~3 s per full sync of 6 pages
    const env = {
      NODE_ENV: 'development',
      DATA_DIR: tempDir(),
      DATABASE_URL: tally.db.url,
      DATABASE_POOL_MAX: '2',
      ENCRYPTION_KEY: tally.config.ENCRYPTION_KEY,
      PLAID_ENV: 'simulator',
      PLAID_SIMULATOR_URL: tally.simulator.url,
      WORKER_CONCURRENCY: '1',
      LOG_FORMAT: 'json',
      HOST: '127.0.0.1',
    }
    const start = () =>
      Bun.spawn(['bun', MAIN, 'serve'], {
        env: childEnv({ ...env, PORT: String(freePort()) }),
        cwd: tempDir(),
        stdout: 'ignore',
        stderr: 'ignore',
      })
    const jobState = async () =>
      (
        await tally.db.sql`select status from jobs where key = ${`item:${item.id}`} order by id desc limit 1`
      )[0]?.status
    const first = start()
    try {
      for (let i = 0; i < 200 && (await jobState()) !== 'running'; i++) await Bun.sleep(50)
      expect(await jobState()).toBe('running')
      await Bun.sleep(800) // a few pages in
      first.kill('SIGKILL')
      await first.exited
    } finally {
      first.kill('SIGKILL')
    }
    const [half] = await tally.db.sql`select sync_cursor from items where id = ${item.id}`
    expect(half?.sync_cursor).toBeNull()
    expect(await tally.db.sql`select 1 from transactions where item_id = ${item.id}`).toHaveLength(0)

    // The dead worker's lease would run out in two minutes; let it have run out now.
    await tally.db.sql`update jobs set locked_until = now() - interval '1 second' where status = 'running'`
    await clearFaults()
    const second = start()
    try {
      for (let i = 0; i < 400; i++) {
        const [row] = await tally.db.sql`select last_synced_at from items where id = ${item.id}`
        if (row?.last_synced_at) break
        await Bun.sleep(50)
      }
      await expectTruth(item.id)
    } finally {
      second.kill('SIGTERM')
      await second.exited
    }
  }, 90_000)
})

describe('encryption key rotation', () => {
  test('`tally rotate-key` re-encrypts every token under the new key, idempotently, and syncs keep working', async () => {
    const user = await signUp(tally)
    const item = await linkBank(tally, user, 'ins_109508')
    const oldKey = tally.config.ENCRYPTION_KEY
    const newKey = 'c3'.repeat(32)
    const env = { DATABASE_URL: tally.db.url, ENCRYPTION_KEY: newKey, LOG_FORMAT: 'json' }
    const [before] = await tally.db.sql`select count(*)::int as n from items`

    const first = await runTally(['rotate-key'], { ...env, ENCRYPTION_KEY_PREVIOUS: oldKey })
    expect(first.code).toBe(0)
    const report = JSON.parse(first.stdout)
    expect(report).toMatchObject({ scanned: before?.n, rotated: before?.n, unreadable: [] })
    const again = JSON.parse(
      (await runTally(['rotate-key'], { ...env, ENCRYPTION_KEY_PREVIOUS: oldKey })).stdout,
    )
    expect(again).toMatchObject({ rotated: 0, alreadyCurrent: before?.n })
    for (const text of [first.stdout, first.stderr]) {
      expect(text).not.toContain(oldKey)
      expect(text).not.toContain(newKey)
      expect(text).not.toContain('access-sandbox-')
    }

    // Only the new key from now on: a sync still opens the token.
    const { createTokenCipher } = await import('../src/plaid/token-crypto.ts')
    const [row] = await tally.db.sql`select access_token_encrypted from items where id = ${item.id}`
    expect(createTokenCipher({ key: newKey }).decrypt(row?.access_token_encrypted, item.id)).toStartWith(
      'access-sandbox-',
    )
    expect(() => createTokenCipher({ key: oldKey }).decrypt(row?.access_token_encrypted, item.id)).toThrow()
    const [audit] = await tally.db
      .sql`select details from audit_events where event = 'key_rotated' order by id desc limit 1`
    expect(audit?.details.rotated).toBe(0)

    // A token under neither key is reported, left as it is, and fails the command.
    await tally.db.sql`update items set access_token_encrypted = ${'v1:00000000:AAAA'} where id = ${item.id}`
    const broken = await runTally(['rotate-key'], env)
    expect(broken.code).toBe(1)
    expect(JSON.parse(broken.stdout).unreadable).toEqual([item.id])
    const [kept] = await tally.db.sql`select access_token_encrypted from items where id = ${item.id}`
    expect(kept?.access_token_encrypted).toBe('v1:00000000:AAAA')
  }, 60_000)
})
