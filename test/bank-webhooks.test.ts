import { describe, expect, test } from 'bun:test'
import { generateKeyPair, SignJWT } from 'jose'
import { useTestApp } from './helpers/app.ts'
import {
  control,
  drainJobs,
  linkBank,
  linkPublicToken,
  plaidItemId,
  startJobs,
  storedTransactions,
  truthOf,
} from './helpers/bank.ts'
import { type Delivery, listen, listeningPort } from './helpers/listening.ts'
import { as, signUp } from './helpers/users.ts'

const port = listeningPort()
const tally = useTestApp({
  env: { PUBLIC_URL: `http://127.0.0.1:${port}`, CORS_ORIGINS: 'http://localhost:3000' },
})
const server = listen(tally, port)
let jobs: ReturnType<typeof startJobs> | undefined

/** The body as JSON; the forgeries these tests post themselves pass through the recorder too. */
function parse(delivery: Delivery): { webhook_code?: string; item_id?: string } {
  try {
    return JSON.parse(new TextDecoder().decode(delivery.body))
  } catch {
    return {}
  }
}

/** Waits until a webhook of this code about this Plaid item has been received and processed. */
async function webhookArrives(code: string, plaidItem: string, after = 0): Promise<Delivery> {
  for (let i = 0; i < 200; i++) {
    const found = server.webhooks.slice(after).find((d) => {
      const body = parse(d)
      return body.webhook_code === code && body.item_id === plaidItem
    })
    // Recorded once its effects are applied.
    const [done] = found
      ? await tally.db
          .sql`select 1 from webhook_events where webhook_code = ${code} and plaid_item_id = ${plaidItem}`
      : []
    if (found && done) return found
    await Bun.sleep(25)
  }
  throw new Error(`no ${code} webhook for ${plaidItem}`)
}

const post = (body: Uint8Array | string, signature: string | null) =>
  fetch(`${server.url}/api/webhooks/plaid`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(signature ? { 'plaid-verification': signature } : {}),
    },
    body: body as BodyInit,
  })
const recordedWebhooks = async () =>
  (await tally.db.sql`select count(*)::int as n from webhook_events`)[0]?.n as number
const queuedJobs = async () => (await tally.db.sql`select count(*)::int as n from jobs`)[0]?.n as number

describe('the whole flow against the simulator, through HTTP', () => {
  test('sign up → link → first sync → new activity → webhook → incremental sync: Tally equals the bank', async () => {
    jobs ??= startJobs(tally)
    const user = await signUp(tally)
    const item = await linkBank(tally, user)
    const plaidItem = await plaidItemId(tally, item.id)
    await drainJobs(tally, jobs)
    expect(await storedTransactions(tally, item.id)).toEqual(await truthOf(tally, plaidItem))

    const webhooksBefore = await recordedWebhooks()
    await control(tally, 'POST', '/simulator/clock/advance', { days: 3 })
    const truth = await truthOf(tally, plaidItem)
    // Nothing but the webhook can start this sync (no manual sync; the sweep runs every 6 hours).
    for (let i = 0; i < 100; i++) {
      await drainJobs(tally, jobs)
      if (JSON.stringify(await storedTransactions(tally, item.id)) === JSON.stringify(truth)) break
      await Bun.sleep(50)
    }
    expect(await storedTransactions(tally, item.id)).toEqual(truth)
    expect(await recordedWebhooks()).toBeGreaterThan(webhooksBefore)
    const [{ n }] = (await tally.db
      .sql`select count(*)::int as n from transactions where item_id = ${item.id}`) as never as [
      { n: number },
    ]
    expect(n).toBe(truth.length) // no duplicates

    const accounts = await tally.db.sql`select current_balance from accounts where item_id = ${item.id}`
    expect(accounts.every((a) => a.current_balance !== null)).toBe(true)
    const [snapshots] = await tally.db
      .sql`select count(*)::int as n from balance_snapshots where user_id = ${user.id}`
    expect(snapshots?.n).toBeGreaterThanOrEqual(3)
  })

  test('login required: webhook pauses syncing; update-mode relink makes it healthy and syncing again', async () => {
    jobs ??= startJobs(tally)
    const user = await signUp(tally)
    const item = await linkBank(tally, user, 'ins_109511')
    const plaidItem = await plaidItemId(tally, item.id)
    await drainJobs(tally, jobs)

    const seen = server.webhooks.length
    await control(tally, 'POST', `/simulator/items/${plaidItem}/error`, { error_code: 'ITEM_LOGIN_REQUIRED' })
    await webhookArrives('ERROR', plaidItem, seen)
    const listed = await (await tally.request('/api/items', as(user, 'GET'))).json()
    expect(listed.items[0]).toMatchObject({ status: 'login_required', errorCode: 'ITEM_LOGIN_REQUIRED' })

    // Syncing is paused: a manual sync is queued but does nothing at Plaid.
    await control(tally, 'POST', '/simulator/clock/advance', { days: 2 })
    await tally.request(`/api/items/${item.id}/sync`, as(user, 'POST'))
    await drainJobs(tally, jobs)
    expect((await storedTransactions(tally, item.id)).length).toBeLessThan(
      (await truthOf(tally, plaidItem)).length + 1,
    )

    // Reconnect through Link's update mode, then tell Tally.
    const update = await tally.request('/api/link/token', as(user, 'POST', { itemId: item.id }))
    expect((await update.json()).mode).toBe('update')
    await linkPublicToken(tally, user, { itemId: item.id })
    const reconnected = await tally.request(`/api/items/${item.id}/reconnected`, as(user, 'POST'))
    expect(reconnected.status).toBe(200)
    expect((await reconnected.json()).item.status).toBe('healthy')
    await drainJobs(tally, jobs)
    expect(await storedTransactions(tally, item.id)).toEqual(await truthOf(tally, plaidItem))
  })

  test('PENDING_EXPIRATION and USER_PERMISSION_REVOKED change the item status', async () => {
    const user = await signUp(tally)
    const item = await linkBank(tally, user, 'ins_109512')
    const plaidItem = await plaidItemId(tally, item.id)
    let seen = server.webhooks.length
    await control(tally, 'POST', `/simulator/items/${plaidItem}/consent_expiration`, { days: 5 })
    await webhookArrives('PENDING_EXPIRATION', plaidItem, seen)
    const [expiring] = await tally.db.sql`select status, consent_expires_at from items where id = ${item.id}`
    expect(expiring?.status).toBe('pending_expiration')
    expect(expiring?.consent_expires_at).toBeInstanceOf(Date)

    seen = server.webhooks.length
    const fired = await tally.plaid.sandboxItemFireWebhook({
      access_token: await accessTokenOf(item.id),
      webhook_code: 'USER_PERMISSION_REVOKED' as never,
    })
    expect(fired.status).toBe(200)
    await webhookArrives('USER_PERMISSION_REVOKED', plaidItem, seen)
    const [revoked] = await tally.db.sql`select status from items where id = ${item.id}`
    expect(revoked?.status).toBe('revoked')
  })
})

/** Test-only: decrypts an item's token the way the app does, to drive the simulator's sandbox endpoints. */
async function accessTokenOf(itemId: string): Promise<string> {
  const { createTokenCipher } = await import('../src/plaid/token-crypto.ts')
  const [row] = await tally.db.sql`select access_token_encrypted from items where id = ${itemId}`
  return createTokenCipher({ key: tally.config.ENCRYPTION_KEY }).decrypt(row?.access_token_encrypted, itemId)
}

describe('webhook verification: anything unverified is refused and changes nothing', () => {
  async function aRealWebhook() {
    const user = await signUp(tally)
    const item = await linkBank(tally, user, 'ins_109508')
    const plaidItem = await plaidItemId(tally, item.id)
    return { delivery: await webhookArrives('SYNC_UPDATES_AVAILABLE', plaidItem), plaidItem }
  }

  test('a replay of a processed webhook is acknowledged and ignored', async () => {
    const { delivery } = await aRealWebhook()
    const before = [await recordedWebhooks(), await queuedJobs()]
    const replay = await post(delivery.body, delivery.signature)
    expect(replay.status).toBe(200)
    expect(await replay.json()).toEqual({ received: true, outcome: 'replay' })
    expect([await recordedWebhooks(), await queuedJobs()]).toEqual(before)
  })

  test('a changed body, a forged signature, an unknown key, a missing or malformed header: 401', async () => {
    const { delivery } = await aRealWebhook()
    const tampered = new Uint8Array(delivery.body)
    tampered[tampered.length - 3] = (tampered[tampered.length - 3] as number) ^ 1
    const [header] = (delivery.signature as string).split('.')
    const kid = JSON.parse(Buffer.from(header as string, 'base64url').toString()).kid
    const { privateKey } = await generateKeyPair('ES256')
    const bodyHash = new Bun.CryptoHasher('sha256').update(delivery.body).digest('hex')
    const forge = (useKid: string) =>
      new SignJWT({ request_body_sha256: bodyHash })
        .setProtectedHeader({ alg: 'ES256', kid: useKid })
        .setIssuedAt()
        .sign(privateKey)
    const before = [await recordedWebhooks(), await queuedJobs()]
    for (const [body, signature] of [
      [tampered, delivery.signature],
      [delivery.body, await forge(kid)],
      [delivery.body, await forge('0f0f0f0f-unknown-kid')],
      [delivery.body, null],
      [delivery.body, 'not-a-jwt'],
    ] as const) {
      const response = await post(body, signature)
      expect(response.status).toBe(401)
      const problem = await response.json()
      expect(problem.code).toBe('WEBHOOK_UNVERIFIED')
    }
    expect([await recordedWebhooks(), await queuedJobs()]).toEqual(before)
  })

  test('a webhook older than 5 minutes is refused', async () => {
    const { delivery } = await aRealWebhook()
    await tally.db.sql`delete from webhook_events` // so it is refused for its age, not as a replay
    tally.clock.advance(6 * 60_000)
    try {
      const response = await post(delivery.body, delivery.signature)
      expect(response.status).toBe(401)
      expect(await recordedWebhooks()).toBe(0)
    } finally {
      tally.clock.advance(-6 * 60_000) // back in step with the simulator's signing clock
    }
  })

  test('a webhook signed with a key Plaid has since expired is refused', async () => {
    const { delivery } = await aRealWebhook()
    await tally.db.sql`delete from webhook_events`
    await control(tally, 'POST', '/simulator/webhook_keys/rotate')
    const fresh = await aRealWebhook() // signed with the new key: Tally learns of the rotation
    expect(fresh.delivery.signature?.split('.')[0]).not.toBe(delivery.signature?.split('.')[0])
    const response = await post(delivery.body, delivery.signature)
    expect(response.status).toBe(401)
  })

  test('bodies over 64 KB are refused before verification', async () => {
    const response = await post('x'.repeat(64 * 1024 + 1), 'whatever')
    expect(response.status).toBe(413)
    expect((await response.json()).code).toBe('PAYLOAD_TOO_LARGE')
  })
})
