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
import { as, signUp } from './helpers/users.ts'

const tally = useTestApp()
let jobs: ReturnType<typeof startJobs> | undefined

describe('linking and syncing a bank', () => {
  test('link → first sync → Tally holds exactly what the bank holds', async () => {
    jobs ??= startJobs(tally)
    const user = await signUp(tally)
    const item = await linkBank(tally, user)
    expect(item).toMatchObject({
      institutionName: 'First Platypus Bank',
      status: 'healthy',
      accountsCount: 3,
    })
    await drainJobs(tally, jobs)
    const plaidItem = await plaidItemId(tally, item.id)
    const stored = await storedTransactions(tally, item.id)
    expect(stored.length).toBeGreaterThan(100)
    expect(stored).toEqual(await truthOf(tally, plaidItem))
    const [synced] = await tally.db.sql`select last_synced_at, sync_cursor from items where id = ${item.id}`
    expect(synced?.last_synced_at).not.toBeNull()
    expect(synced?.sync_cursor).toBeTruthy()
    const listed = await (await tally.request('/api/items', as(user, 'GET'))).json()
    expect(listed.items[0].lastSyncedAt).not.toBeNull()
  })

  test('new activity at the bank arrives with the next sync: added, modified, removed, pending posted', async () => {
    jobs ??= startJobs(tally)
    const user = await signUp(tally)
    const item = await linkBank(tally, user, 'ins_109509')
    await drainJobs(tally, jobs)
    const plaidItem = await plaidItemId(tally, item.id)
    const truth = await truthOf(tally, plaidItem)
    const [first, second] = truth.filter((t) => !t.pending)
    const pending = truth.find((t) => t.pending)
    expect(pending).toBeDefined()
    await control(tally, 'POST', `/simulator/items/${plaidItem}/transactions/${pending?.id}/post`)
    await control(tally, 'PATCH', `/simulator/items/${plaidItem}/transactions/${first?.id}`, {
      amount: 123.45,
      name: 'Changed',
    })
    await control(tally, 'DELETE', `/simulator/items/${plaidItem}/transactions/${second?.id}`)
    await control(tally, 'POST', '/simulator/clock/advance', { days: 5 })
    const sync = await tally.request(`/api/items/${item.id}/sync`, as(user, 'POST'))
    expect(sync.status).toBe(202)
    await drainJobs(tally, jobs)
    const after = await truthOf(tally, plaidItem)
    expect(await storedTransactions(tally, item.id)).toEqual(after)
    expect(after.find((t) => t.id === first?.id)).toMatchObject({ amount: '123.45', name: 'Changed' })
    expect(after.find((t) => t.id === second?.id)).toBeUndefined()
    // The pending transaction is gone, replaced by its posted twin: never both.
    expect(after.find((t) => t.id === pending?.id)).toBeUndefined()
    const [posted] = await tally.db
      .sql`select pending from transactions where pending_transaction_id = ${pending?.id as string}`
    expect(posted?.pending).toBe(false)
  })

  test('"sync now" is limited to once a minute per bank', async () => {
    const user = await signUp(tally)
    const item = await linkBank(tally, user, 'ins_109510')
    expect((await tally.request(`/api/items/${item.id}/sync`, as(user, 'POST'))).status).toBe(202)
    const again = await tally.request(`/api/items/${item.id}/sync`, as(user, 'POST'))
    expect(again.status).toBe(429)
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0)
    tally.clock.advance(61_000)
    expect((await tally.request(`/api/items/${item.id}/sync`, as(user, 'POST'))).status).toBe(202)
  })
})
