import { expect, test } from 'bun:test'
import { Kind, type TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { useTestApp } from './helpers/app.ts'
import { drainJobs, linkBank, startJobs } from './helpers/bank.ts'
import { as, cookieOf, jsonRequest, signUp, type TestUser } from './helpers/users.ts'

/**
 * Authorization, proven by brute force (slow by design: a fresh user B for every call, since some
 * routes change or delete B itself): user B calls EVERY /api route the app has registered, with
 * every id that belongs to user A in the path and in the body, and A's data must come through
 * unchanged and unseen. Routes added later are covered without touching this test.
 */
const tally = useTestApp()

/** Routes anyone may call; everything else under /api must require a session. */
const PUBLIC = new Set([
  'POST /api/auth/signup',
  'POST /api/auth/login',
  'GET /api/openapi.json',
  'GET /api/client-config',
])
const isDocs = (path: string) => path.startsWith('/api/docs')

/** Every row of A's, in every table that has a user_id column, plus A's user row. */
async function fingerprint(userId: string) {
  const sql = tally.db.sql
  const tables = await sql<{ table_name: string }[]>`
    select table_name from information_schema.columns
    where column_name = 'user_id' and table_schema = current_schema() order by table_name`
  const snapshot: Record<string, readonly unknown[]> = {
    users: await sql`select * from users where id = ${userId}`,
  }
  for (const { table_name } of tables)
    snapshot[table_name] = await sql`select * from ${sql(table_name)} where user_id = ${userId} order by 1`
  return snapshot
}

/** Ids that name public things (Plaid's institution catalogue), not anything of A's. */
const PUBLIC_IDS = new Set(['institution_id'])

/** Id-looking values in A's rows (a few per table and column): what B will try to reach. */
function idsIn(snapshot: Record<string, readonly unknown[]>): string[] {
  const ids = new Set<string>()
  for (const rows of Object.values(snapshot))
    for (const row of (rows as Record<string, unknown>[]).slice(0, 2))
      for (const [column, value] of Object.entries(row))
        if ((column === 'id' || column.endsWith('_id')) && !PUBLIC_IDS.has(column) && value !== null)
          ids.add(String(value))
  return [...ids]
}

/** A body that satisfies the route's schema, with every string set to A's id (passwords: B's own). */
function bodyFor(schema: TSchema | undefined, id: string, password: string): unknown {
  if (!schema) return undefined
  const fill = (node: TSchema, name = ''): unknown => {
    switch (node[Kind]) {
      case 'String':
        return /password/i.test(name) ? password : id
      case 'Object':
        return Object.fromEntries(
          Object.entries(node.properties as Record<string, TSchema>).map(([key, child]) => [
            key,
            fill(child, key),
          ]),
        )
      case 'Array':
        return []
      default:
        try {
          return Value.Create(node)
        } catch {
          return null
        }
    }
  }
  return fill(schema)
}

test('user B can neither read, change nor delete anything of user A through any /api route', async () => {
  const a = await signUp(tally)
  // A has a bank with accounts, balances and transactions, synced as in real use.
  const jobs = startJobs(tally)
  await linkBank(tally, a)
  await drainJobs(tally, jobs)
  const second = cookieOf(
    await tally.request('/api/auth/login', jsonRequest('POST', { email: a.email, password: a.password })),
  )
  await tally.request('/api/sessions', as({ ...a, cookie: second }, 'GET'))
  const before = await fingerprint(a.id)
  const targets = idsIn(before)
  // Short ids (audit event numbers) are tried as targets but would match anywhere in a response.
  const secrets = [a.email, ...targets.filter((id) => id.length >= 8)]
  expect(targets.length).toBeGreaterThanOrEqual(10) // user, sessions, audit events, item, accounts, transactions
  expect(secrets.length).toBeGreaterThanOrEqual(4)

  const routes = tally.app.routes.filter((r) => r.path.startsWith('/api/') && !isDocs(r.path))
  expect(routes.length).toBeGreaterThanOrEqual(9)
  let calls = 0
  for (const route of routes) {
    const name = `${route.method} ${route.path}`
    const params = route.path.match(/:\w+/g) ?? []
    const candidates = params.length > 0 || route.hooks?.body ? targets : ['-']
    for (const id of candidates) {
      // A fresh B for each call: some routes (delete account, change password) change B itself.
      const b: TestUser = await signUp(tally)
      const path = params.reduce((p, param) => p.replace(param, encodeURIComponent(id)), route.path)
      const body = bodyFor(route.hooks?.body as TSchema | undefined, id, b.password)
      const response = await tally.request(path, as(b, route.method, body))
      calls++
      const text = await response.text()
      for (const secret of secrets)
        if (text.includes(secret))
          throw new Error(`${name} as B with ${id} leaked A's ${secret}: ${response.status} ${text}`)
      expect({ name, status: response.status }).not.toEqual({ name, status: 500 })
    }
    if (!PUBLIC.has(name)) {
      const anonymous = await tally.request(
        route.path.replace(/:\w+/g, a.id),
        jsonRequest(route.method, route.hooks?.body ? {} : undefined),
      )
      expect({ name, status: anonymous.status }).toEqual({ name, status: 401 })
    }
  }
  expect(calls).toBeGreaterThan(routes.length)
  expect(await fingerprint(a.id)).toEqual(before)
}, 180_000)
