import { describe, expect, test } from 'bun:test'
import { useTestApp } from './helpers/app.ts'
import { control, drainJobs, linkBank, linkPublicToken, plaidItemId, startJobs } from './helpers/bank.ts'
import { as, signUp } from './helpers/users.ts'

const tally = useTestApp()
let jobs: ReturnType<typeof startJobs> | undefined

/** Items the simulator still has (removed ones are tombstones that answer ITEM_NOT_FOUND). */
async function liveItemsAtPlaid(): Promise<Set<string>> {
  const { body } = await control(tally, 'GET', '/simulator/state')
  return new Set(
    (body.items as { item_id: string; removed?: boolean; status?: string }[])
      .filter((i) => !i.removed && i.status !== 'removed')
      .map((i) => i.item_id),
  )
}

async function existsAtPlaid(plaidItem: string): Promise<boolean> {
  const { status } = await control(tally, 'GET', `/simulator/items/${plaidItem}`)
  return status === 200
}

describe('items', () => {
  test('linking the same institution twice is 409 ITEM_DUPLICATE and leaves nothing at Plaid', async () => {
    const user = await signUp(tally)
    await linkBank(tally, user, 'ins_109508')
    const before = await liveItemsAtPlaid()
    const { public_token } = await linkPublicToken(tally, user, { institutionId: 'ins_109508' })
    const response = await tally.request(
      '/api/items',
      as(user, 'POST', { publicToken: public_token, institutionId: 'ins_109508' }),
    )
    expect(response.status).toBe(409)
    expect((await response.json()).code).toBe('ITEM_DUPLICATE')
    expect(await liveItemsAtPlaid()).toEqual(before)
    expect((await (await tally.request('/api/items', as(user, 'GET'))).json()).items).toHaveLength(1)
  })

  test('a used or invalid public token is 422 INVALID_PUBLIC_TOKEN', async () => {
    const user = await signUp(tally)
    const { public_token } = await linkPublicToken(tally, user, { institutionId: 'ins_109509' })
    const first = await tally.request(
      '/api/items',
      as(user, 'POST', { publicToken: public_token, institutionId: 'ins_109509' }),
    )
    expect(first.status).toBe(201)
    for (const token of [public_token, 'public-sandbox-00000000-0000-0000-0000-000000000000']) {
      const again = await tally.request(
        '/api/items',
        as(user, 'POST', { publicToken: token, institutionId: 'ins_109509' }),
      )
      expect(again.status).toBe(422)
      expect((await again.json()).code).toBe('INVALID_PUBLIC_TOKEN')
    }
  })

  test('removing a bank removes it at Plaid and deletes all of its data in one go', async () => {
    jobs ??= startJobs(tally)
    const user = await signUp(tally)
    const item = await linkBank(tally, user, 'ins_109510')
    await drainJobs(tally, jobs)
    const plaidItem = await plaidItemId(tally, item.id)
    const count = async (table: string) =>
      (
        await tally.db.sql`select count(*)::int as n from ${tally.db.sql(table)} where user_id = ${user.id}`
      )[0]?.n as number
    expect(await count('transactions')).toBeGreaterThan(0)
    const response = await tally.request(`/api/items/${item.id}`, as(user, 'DELETE'))
    expect(response.status).toBe(204)
    for (const table of ['items', 'accounts', 'transactions', 'balance_snapshots'])
      expect(await count(table)).toBe(0)
    expect(await existsAtPlaid(plaidItem)).toBe(false)
    const [event] = await tally.db
      .sql`select details from audit_events where user_id = ${user.id} and event = 'bank_removed'`
    expect(event?.details.itemId).toBe(item.id)
    expect((await tally.request(`/api/items/${item.id}`, as(user, 'DELETE'))).status).toBe(404)
  })

  test('an item Plaid no longer knows is still deleted here', async () => {
    const user = await signUp(tally)
    const item = await linkBank(tally, user, 'ins_109511')
    const { createTokenCipher } = await import('../src/plaid/token-crypto.ts')
    const [row] = await tally.db.sql`select access_token_encrypted from items where id = ${item.id}`
    const token = createTokenCipher({ key: tally.config.ENCRYPTION_KEY }).decrypt(
      row?.access_token_encrypted,
      item.id,
    )
    await tally.plaid.itemRemove({ access_token: token })
    expect((await tally.request(`/api/items/${item.id}`, as(user, 'DELETE'))).status).toBe(204)
    expect(await tally.db.sql`select 1 from items where id = ${item.id}`).toHaveLength(0)
  })

  test('deleting the account removes every bank at Plaid too', async () => {
    const user = await signUp(tally)
    const items = [await linkBank(tally, user, 'ins_109508'), await linkBank(tally, user, 'ins_109512')]
    const plaidItems = await Promise.all(items.map((i) => plaidItemId(tally, i.id)))
    const response = await tally.request('/api/me', as(user, 'DELETE', { password: user.password }))
    expect(response.status).toBe(204)
    for (const plaidItem of plaidItems) expect(await existsAtPlaid(plaidItem)).toBe(false)
    expect(await tally.db.sql`select 1 from items where user_id = ${user.id}`).toHaveLength(0)
  })

  test('GET /api/items lists institution, status, last sync, error and accounts count', async () => {
    const user = await signUp(tally)
    await linkBank(tally, user, 'ins_109509')
    const { items } = await (await tally.request('/api/items', as(user, 'GET'))).json()
    expect(items).toEqual([
      {
        id: expect.any(String),
        institutionId: 'ins_109509',
        institutionName: 'First Gingham Credit Union',
        status: 'healthy',
        errorCode: null,
        consentExpiresAt: null,
        lastSyncedAt: null,
        lastSyncError: null,
        accountsCount: 3,
        createdAt: expect.any(String),
      },
    ])
  })
})

describe('access tokens never leave the server in the clear', () => {
  test('no database column, log line or API response holds an access token', async () => {
    jobs ??= startJobs(tally)
    const user = await signUp(tally)
    const item = await linkBank(tally, user, 'ins_109512')
    await drainJobs(tally, jobs)
    const responses = await Promise.all(
      ['/api/items', '/api/me', '/api/audit', '/api/sessions'].map(async (p) =>
        (await tally.request(p, as(user, 'GET'))).text(),
      ),
    )
    const sql = tally.db.sql
    const columns = await sql<{ table_name: string; column_name: string }[]>`
      select table_name, column_name from information_schema.columns
      where table_schema = current_schema() and data_type in ('text', 'jsonb', 'character varying')`
    let scanned = 0
    for (const { table_name, column_name } of columns) {
      const [hit] = await sql`
        select 1 from ${sql(table_name)} where ${sql(column_name)}::text like '%access-sandbox-%' limit 1`
      expect({ table_name, column_name, hit: Boolean(hit) }).toEqual({ table_name, column_name, hit: false })
      scanned++
    }
    expect(scanned).toBeGreaterThan(20)
    const [stored] = await sql`select access_token_encrypted from items where id = ${item.id}`
    expect(stored?.access_token_encrypted).toMatch(/^v1:[0-9a-f]{8}:/)
    for (const text of [tally.logs.text(), ...responses]) {
      expect(text).not.toContain('access-sandbox-')
      expect(text).not.toContain(tally.simulator.secret)
      expect(text).not.toContain(tally.config.ENCRYPTION_KEY)
    }
  })
})
