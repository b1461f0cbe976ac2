import { expect } from 'bun:test'
import { type BankJobs, startBankJobs } from '../../src/plaid/background.ts'
import { controlApi } from '../../src/simulator/testing/harness.ts'
import type { TestApp } from './app.ts'
import { deferCleanup } from './cleanup.ts'
import { as, type TestUser } from './users.ts'

/** Calls the simulator's control API (docs/SIMULATOR.md). */
export function control(tally: TestApp, method: string, path: string, body?: unknown) {
  return controlApi(tally.simulator)(method, path, body)
}

/** Link's stand-in, as the dashboard drives it: link token → institution → credentials → accounts. */
export async function linkPublicToken(
  tally: TestApp,
  user: TestUser,
  options: { institutionId?: string; password?: string; itemId?: string } = {},
) {
  const token = await tally.request(
    '/api/link/token',
    as(user, 'POST', options.itemId ? { itemId: options.itemId } : {}),
  )
  expect(token.status).toBe(200)
  const { linkToken } = await token.json()
  const link = (path: string, body: unknown) =>
    fetch(`${tally.simulator.url}/simulator/link${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: await r.json() }))
  const session = await link('/sessions', { link_token: linkToken })
  expect(session.status).toBe(200)
  const id = session.body.link_session_id
  const institutionId = options.institutionId ?? 'ins_109508'
  const login = await link(`/sessions/${id}/credentials`, {
    ...(session.body.mode === 'create' ? { institution_id: institutionId } : {}),
    username: 'user_good',
    password: options.password ?? 'pass_good',
  })
  expect(login.status).toBe(200)
  const chosen = await link(`/sessions/${id}/accounts`, {
    account_ids: login.body.accounts.map((a: { id: string }) => a.id),
  })
  expect(chosen.status).toBe(200)
  return chosen.body as {
    public_token: string
    metadata: { institution: { institution_id: string; name: string } }
  }
}

/** Links a bank for the user through the API, as the dashboard does; returns the created item. */
export async function linkBank(tally: TestApp, user: TestUser, institutionId = 'ins_109508') {
  const { public_token, metadata } = await linkPublicToken(tally, user, { institutionId })
  const response = await tally.request(
    '/api/items',
    as(user, 'POST', { publicToken: public_token, institutionId: metadata.institution.institution_id }),
  )
  expect(response.status).toBe(201)
  return (await response.json()).item as { id: string; institutionName: string; status: string }
}

/** The Plaid item id behind one of our items. */
export async function plaidItemId(tally: TestApp, itemId: string): Promise<string> {
  const [row] = await tally.db.sql`select plaid_item_id from items where id = ${itemId}`
  return row?.plaid_item_id
}

/** Starts the real sync worker against the test app's database, clock and Plaid client. */
export function startJobs(tally: TestApp, overrides: { concurrency?: number } = {}): BankJobs {
  const jobs = startBankJobs({
    config: { ...tally.config, WORKER_CONCURRENCY: overrides.concurrency ?? 2 },
    sql: tally.db.sql,
    plaid: tally.plaid,
    logger: tally.logs.logger,
    now: tally.clock.now,
    pollIntervalMs: 20,
    leaseMs: 30_000,
  })
  deferCleanup(() => jobs.stop())
  return jobs
}

/**
 * Waits until no job is queued or running. Jobs waiting out a retry backoff are brought due by
 * moving the test clock to their run_at, so retries happen without real waiting.
 */
export async function drainJobs(tally: TestApp, jobs: BankJobs, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const [row] = await tally.db.sql<{ running: number; due: number; next: Date | null }[]>`
      select count(*) filter (where status = 'running')::int as running,
             count(*) filter (where status = 'queued' and run_at <= ${tally.clock.now()})::int as due,
             min(run_at) filter (where status = 'queued') as next
      from jobs`
    if (!row || (row.running === 0 && row.due === 0 && row.next === null)) return
    if (row.running === 0 && row.due === 0 && row.next)
      tally.clock.advance(row.next.getTime() - tally.clock.now().getTime() + 1)
    jobs.notify()
    await Bun.sleep(20)
  }
  throw new Error('jobs did not finish in time')
}

/** What Tally stored for an item, in the shape needed to compare it with the simulator's truth. */
export async function storedTransactions(tally: TestApp, itemId: string) {
  const rows = await tally.db.sql<
    { id: string; amount: string; date: string; pending: boolean; name: string }[]
  >`
    select plaid_transaction_id as id, amount::text as amount, to_char(date, 'YYYY-MM-DD') as date, pending, name
    from transactions where item_id = ${itemId} order by plaid_transaction_id`
  return [...rows]
}

export async function truthOf(tally: TestApp, plaidItem: string) {
  const { body } = await control(tally, 'GET', `/simulator/items/${plaidItem}`)
  return (
    body.transactions as {
      transaction_id: string
      amount: number
      date: string
      pending: boolean
      name: string
    }[]
  )
    .map((t) => ({
      id: t.transaction_id,
      amount: t.amount.toFixed(2),
      date: t.date,
      pending: t.pending,
      name: t.name,
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}
