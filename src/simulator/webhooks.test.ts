import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose'
import { type PlaidApi, SandboxItemFireWebhookRequestWebhookCodeEnum } from 'plaid'
import {
  FIXED_NOW,
  type Json,
  type SimulatorHarness,
  startHarness,
  startWebhookReceiver,
} from './testing/harness.ts'

/** Verification exactly as Plaid documents it: ES256 JWT from the served JWK, fresh iat, body hash. */
async function verifyPlaidWebhook(
  client: PlaidApi,
  body: string,
  signature: string,
  now: Date,
): Promise<boolean> {
  const header = decodeProtectedHeader(signature)
  if (header.alg !== 'ES256' || typeof header.kid !== 'string') return false
  const { data } = await client.webhookVerificationKeyGet({ key_id: header.kid })
  if (data.key.expired_at !== null) return false
  const key = await importJWK(data.key, 'ES256')
  try {
    const { payload } = await jwtVerify(signature, key, {
      algorithms: ['ES256'],
      maxTokenAge: '5 min',
      currentDate: now,
    })
    const digest = new Bun.CryptoHasher('sha256').update(body).digest('hex')
    return payload.request_body_sha256 === digest
  } catch {
    return false
  }
}

describe('webhooks', () => {
  let harness: SimulatorHarness
  let receiver: ReturnType<typeof startWebhookReceiver>
  beforeAll(async () => {
    harness = await startHarness({ now: () => FIXED_NOW })
    receiver = startWebhookReceiver()
  })
  afterAll(async () => {
    await harness.stop()
    receiver.stop()
  })

  test('SYNC_UPDATES_AVAILABLE after linking is signed with an ES256 JWT that verifies against the served JWK', async () => {
    const { itemId } = await harness.linkItem({ webhook: receiver.url })
    await receiver.waitFor(1)
    const webhook = receiver.received.find((w) => w.json.item_id === itemId)
    expect(webhook?.json).toEqual({
      webhook_type: 'TRANSACTIONS',
      webhook_code: 'SYNC_UPDATES_AVAILABLE',
      item_id: itemId,
      environment: 'sandbox',
      initial_update_complete: true,
      historical_update_complete: true,
    })
    const signature = webhook?.signature ?? ''
    const header = decodeProtectedHeader(signature)
    expect(header).toMatchObject({ alg: 'ES256', typ: 'JWT' })
    const claims = JSON.parse(Buffer.from(signature.split('.')[1] ?? '', 'base64url').toString())
    expect(claims.iat).toBe(Math.floor(FIXED_NOW.getTime() / 1000))
    expect(claims.request_body_sha256).toMatch(/^[0-9a-f]{64}$/)
    const { data } = await harness.client.webhookVerificationKeyGet({ key_id: String(header.kid) })
    expect(data.key).toMatchObject({
      alg: 'ES256',
      crv: 'P-256',
      kty: 'EC',
      use: 'sig',
      kid: header.kid,
      expired_at: null,
    })
    expect(data.key.created_at).toBeNumber()
    expect(await verifyPlaidWebhook(harness.client, webhook?.body ?? '', signature, FIXED_NOW)).toBe(true)
  })

  test('a tampered body or signature fails verification', async () => {
    await receiver.waitFor(1)
    const webhook = receiver.received[0]
    const body = webhook?.body ?? ''
    const signature = webhook?.signature ?? ''
    const tampered = body.replace('"sandbox"', '"production"')
    expect(tampered).not.toBe(body)
    expect(await verifyPlaidWebhook(harness.client, tampered, signature, FIXED_NOW)).toBe(false)
    // Re-serializing the JSON changes the bytes, which is why receivers must hash the raw body.
    expect(
      await verifyPlaidWebhook(harness.client, JSON.stringify(JSON.parse(body)), signature, FIXED_NOW),
    ).toBe(false)
    const [head, payload, sig] = signature.split('.')
    const forgedSig = `${head}.${payload}.${(sig ?? '').slice(0, -4)}AAAA`
    expect(await verifyPlaidWebhook(harness.client, body, forgedSig, FIXED_NOW)).toBe(false)
    const late = new Date(FIXED_NOW.getTime() + 10 * 60_000)
    expect(await verifyPlaidWebhook(harness.client, body, signature, late)).toBe(false)
  })

  test('unknown key ids are INVALID_WEBHOOK_VERIFICATION_KEY_ID', async () => {
    const failure = await harness.client
      .webhookVerificationKeyGet({ key_id: 'no-such-key' })
      .catch((error) => error.response)
    expect(failure.status).toBe(400)
    expect(failure.data.error_code).toBe('INVALID_WEBHOOK_VERIFICATION_KEY_ID')
  })

  test('key rotation: new webhooks use a new kid; the old key is still served with expired_at', async () => {
    const local = startWebhookReceiver()
    try {
      const { accessToken } = await harness.linkItem({ webhook: local.url })
      await local.waitFor(1)
      const oldKid = String(decodeProtectedHeader(local.received[0]?.signature ?? '').kid)
      const rotated = await harness.control('POST', '/simulator/webhook_keys/rotate')
      expect(rotated.status).toBe(200)
      await harness.client.sandboxItemFireWebhook({
        access_token: accessToken,
        webhook_code: SandboxItemFireWebhookRequestWebhookCodeEnum.SyncUpdatesAvailable,
      })
      await local.waitFor(2)
      const newKid = String(decodeProtectedHeader(local.received[1]?.signature ?? '').kid)
      expect(newKid).toBe(rotated.body.key.kid)
      expect(newKid).not.toBe(oldKid)
      const old = await harness.client.webhookVerificationKeyGet({ key_id: oldKid })
      expect(old.data.key.expired_at).toBeNumber()
      expect(
        await verifyPlaidWebhook(
          harness.client,
          local.received[1]?.body ?? '',
          local.received[1]?.signature ?? '',
          FIXED_NOW,
        ),
      ).toBe(true)
    } finally {
      local.stop()
    }
  })

  test('failed deliveries are retried with backoff until the receiver accepts', async () => {
    const flaky = startWebhookReceiver({ failFirst: 2 })
    try {
      await harness.linkItem({ webhook: flaky.url })
      await flaky.waitFor(1)
      expect(flaky.attempts()).toBe(3)
      // The receiver answers before the sender records the answer; poll the delivery log briefly.
      let delivery: Json
      for (let i = 0; i < 50 && delivery?.status !== 'delivered'; i++) {
        const log = await harness.control('GET', '/simulator/webhooks')
        delivery = log.body.deliveries.find((d: Json) => d.url === flaky.url)
        if (delivery?.status !== 'delivered') await Bun.sleep(10)
      }
      expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, last_status: 200 })
    } finally {
      flaky.stop()
    }
  })

  test('a receiver that never accepts gets a bounded number of attempts', async () => {
    const dead = startWebhookReceiver({ failFirst: 100 })
    try {
      await harness.linkItem({ webhook: dead.url })
      for (let i = 0; i < 50 && dead.attempts() < 4; i++) await Bun.sleep(20)
      await Bun.sleep(200)
      expect(dead.attempts()).toBe(4)
      const log = await harness.control('GET', '/simulator/webhooks')
      expect(log.body.deliveries.find((d: Json) => d.url === dead.url)).toMatchObject({
        status: 'failed',
        attempts: 4,
        last_status: 503,
      })
    } finally {
      dead.stop()
    }
  })

  test('item lifecycle webhooks: ERROR after reset_login, LOGIN_REPAIRED, PENDING_EXPIRATION, USER_PERMISSION_REVOKED', async () => {
    const local = startWebhookReceiver()
    try {
      const { accessToken, itemId } = await harness.linkItem({ webhook: local.url })
      await local.waitFor(1)
      await harness.client.sandboxItemResetLogin({ access_token: accessToken })
      await local.waitFor(2)
      expect(local.received[1]?.json).toMatchObject({
        webhook_type: 'ITEM',
        webhook_code: 'ERROR',
        item_id: itemId,
        error: { error_type: 'ITEM_ERROR', error_code: 'ITEM_LOGIN_REQUIRED', status: 400 },
      })
      expect(local.received[1]?.json.error.request_id).toBeUndefined()
      await harness.control('DELETE', `/simulator/items/${itemId}/error`)
      await harness.control('POST', `/simulator/items/${itemId}/consent_expiration`, { days: 5 })
      await harness.control('POST', `/simulator/items/${itemId}/error`, {
        error_code: 'USER_PERMISSION_REVOKED',
      })
      await local.waitFor(5)
      const [repaired, expiring, revoked] = local.received.slice(2).map((w) => w.json)
      expect(repaired).toMatchObject({
        webhook_type: 'ITEM',
        webhook_code: 'LOGIN_REPAIRED',
        item_id: itemId,
      })
      expect(expiring).toMatchObject({
        webhook_type: 'ITEM',
        webhook_code: 'PENDING_EXPIRATION',
        item_id: itemId,
      })
      expect(Date.parse(expiring.consent_expiration_time) - FIXED_NOW.getTime()).toBe(5 * 86_400_000)
      expect(revoked).toMatchObject({
        webhook_code: 'USER_PERMISSION_REVOKED',
        error: { error_code: 'USER_PERMISSION_REVOKED' },
      })
      const item = await harness.client.itemGet({ access_token: accessToken })
      expect(item.data.item.error?.error_code).toBe('USER_PERMISSION_REVOKED')
      expect(item.data.item.consent_expiration_time).toBe(expiring.consent_expiration_time)
      expect(item.data.status?.last_webhook?.code_sent).toBe('USER_PERMISSION_REVOKED')
    } finally {
      local.stop()
    }
  })

  test('fire_webhook sends what it is asked for; /item/webhook/update acknowledges at the new URL', async () => {
    const first = startWebhookReceiver()
    const second = startWebhookReceiver()
    try {
      const { accessToken, itemId } = await harness.linkItem({ webhook: first.url })
      await first.waitFor(1)
      await harness.client.sandboxItemFireWebhook({
        access_token: accessToken,
        webhook_code: SandboxItemFireWebhookRequestWebhookCodeEnum.NewAccountsAvailable,
      })
      await first.waitFor(2)
      expect(first.received[1]?.json).toMatchObject({
        webhook_type: 'ITEM',
        webhook_code: 'NEW_ACCOUNTS_AVAILABLE',
        item_id: itemId,
      })
      await harness.client.itemWebhookUpdate({ access_token: accessToken, webhook: second.url })
      await second.waitFor(1)
      expect(second.received[0]?.json).toMatchObject({
        webhook_code: 'WEBHOOK_UPDATE_ACKNOWLEDGED',
        new_webhook_url: second.url,
      })
    } finally {
      first.stop()
      second.stop()
    }
  })

  test('new activity (clock, refresh, control API) notifies with SYNC_UPDATES_AVAILABLE', async () => {
    const local = startWebhookReceiver()
    try {
      const { accessToken } = await harness.linkItem({ webhook: local.url })
      await local.waitFor(1)
      await harness.client.transactionsRefresh({ access_token: accessToken })
      await local.waitFor(2)
      await harness.control('POST', '/simulator/clock/advance', { days: 2 })
      await local.waitFor(3)
      expect(local.received.map((w) => w.json.webhook_code)).toEqual([
        'SYNC_UPDATES_AVAILABLE',
        'SYNC_UPDATES_AVAILABLE',
        'SYNC_UPDATES_AVAILABLE',
      ])
    } finally {
      local.stop()
    }
  })
})
