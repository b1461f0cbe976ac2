import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose'
import { type PlaidApi, SandboxItemFireWebhookRequestWebhookCodeEnum } from 'plaid'
import { captureLogs } from '../../test/helpers/logs.ts'
import {
  type ReceivedWebhook,
  type SimulatorHarness,
  startHarness,
  startWebhookReceiver,
} from '../simulator/testing/harness.ts'
import { createPlaidClient } from './client.ts'
import { createWebhookVerifier, type WebhookVerifierOptions } from './webhook-verify.ts'

type Receiver = ReturnType<typeof startWebhookReceiver>

let harness: SimulatorHarness
let receiver: Receiver
let accessToken: string
/** The first webhook the simulator sent (SYNC_UPDATES_AVAILABLE after the exchange), exact bytes. */
let first: ReceivedWebhook & { signature: string }

function hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

/** The signed webhook the simulator delivers next, after `fire` makes it send one. */
async function nextWebhook(target: Receiver, fire: () => Promise<unknown>) {
  const count = target.received.length
  await fire()
  await target.waitFor(count + 1)
  const webhook = target.received[count] as ReceivedWebhook
  if (!webhook.signature) throw new Error('webhook arrived without Plaid-Verification')
  return webhook as ReceivedWebhook & { signature: string }
}

/** The official client through Tally's transport, counting key fetches (the thing the cache saves). */
function keyClient(h: SimulatorHarness) {
  const logs = captureLogs('info')
  const client = createPlaidClient({
    basePath: h.simulator.url,
    clientId: h.simulator.clientId,
    secret: h.simulator.secret,
    logger: logs.logger,
    timeoutMs: 2_000,
    retry: { sleep: async () => {} },
  })
  const fetched: string[] = []
  const plaid: Pick<PlaidApi, 'webhookVerificationKeyGet'> = {
    webhookVerificationKeyGet(request, options) {
      fetched.push(request.key_id)
      return client.webhookVerificationKeyGet(request, options)
    },
  }
  return { plaid, fetched, logs }
}

function verifierFor(h: SimulatorHarness, overrides: Partial<WebhookVerifierOptions> = {}) {
  const keys = keyClient(h)
  const logs = captureLogs('info')
  const verifier = createWebhookVerifier({ plaid: keys.plaid, logger: logs.logger, ...overrides })
  return { verifier, fetched: keys.fetched, logs, plaidLogs: keys.logs }
}

/** A JWT shaped exactly like Plaid's, signed with whatever key the test chooses. */
async function forge(options: {
  body: string
  kid: string
  key?: CryptoKey | Uint8Array
  alg?: string
  iat?: number
}): Promise<string> {
  const alg = options.alg ?? 'ES256'
  const key = options.key ?? (await generateKeyPair('ES256')).privateKey
  return new SignJWT({ request_body_sha256: hex(options.body) })
    .setProtectedHeader({ alg, kid: options.kid, typ: 'JWT' })
    .setIssuedAt(options.iat ?? Math.floor(Date.now() / 1000))
    .sign(key)
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

beforeAll(async () => {
  harness = await startHarness()
  receiver = startWebhookReceiver()
  const linked = await harness.linkItem({ webhook: receiver.url })
  accessToken = linked.accessToken
  await receiver.waitFor(1)
  first = receiver.received[0] as typeof first
  expect(first.signature).toBeString()
})
afterAll(async () => {
  receiver.stop()
  await harness.stop()
})
afterEach(async () => {
  await harness.control('DELETE', '/simulator/faults')
})

describe('createWebhookVerifier: genuine webhooks', () => {
  test('a webhook signed by the simulator passes, with its payload and the hash of its JWT', async () => {
    const { verifier, fetched } = verifierFor(harness)
    const result = await verifier.verify(first.body, first.signature)
    expect(result).toEqual({ ok: true, payload: JSON.parse(first.body), tokenHash: hex(first.signature) })
    if (!result.ok) throw new Error('unreachable')
    expect(result.payload).toMatchObject({
      webhook_type: 'TRANSACTIONS',
      webhook_code: 'SYNC_UPDATES_AVAILABLE',
    })
    expect(fetched).toEqual([decodeProtectedHeader(first.signature).kid as string])
  })

  test('the raw body may be bytes; the hash is over those exact bytes', async () => {
    const { verifier } = verifierFor(harness)
    const result = await verifier.verify(new TextEncoder().encode(first.body), first.signature)
    expect(result.ok).toBe(true)
  })

  test('a second webhook signed with the same key is verified from the cache: one key fetch', async () => {
    const { verifier, fetched } = verifierFor(harness)
    const second = await nextWebhook(receiver, () =>
      harness.client.sandboxItemFireWebhook({
        access_token: accessToken,
        webhook_code: SandboxItemFireWebhookRequestWebhookCodeEnum.DefaultUpdate,
      }),
    )
    expect(second.signature).not.toBe(first.signature)
    expect((await verifier.verify(first.body, first.signature)).ok).toBe(true)
    expect((await verifier.verify(second.body, second.signature)).ok).toBe(true)
    expect((await verifier.verify(first.body, first.signature)).ok).toBe(true)
    expect(fetched).toHaveLength(1)
  })

  test('concurrent deliveries with a not-yet-cached key share one fetch', async () => {
    const { verifier, fetched } = verifierFor(harness)
    const results = await Promise.all(
      Array.from({ length: 8 }, () => verifier.verify(first.body, first.signature)),
    )
    expect(results.every((result) => result.ok)).toBe(true)
    expect(fetched).toHaveLength(1)
  })

  test('an iat four minutes old is still fresh', async () => {
    const { verifier } = verifierFor(harness, { now: () => new Date(Date.now() + 4 * 60_000) })
    expect((await verifier.verify(first.body, first.signature)).ok).toBe(true)
  })
})

describe('createWebhookVerifier: refusals', () => {
  test('missing header', async () => {
    const { verifier, fetched } = verifierFor(harness)
    for (const header of [null, undefined, '', '   ']) {
      expect(await verifier.verify(first.body, header)).toEqual({ ok: false, reason: 'missing' })
    }
    expect(fetched).toEqual([])
  })

  test('malformed headers are refused without asking Plaid', async () => {
    const { verifier, fetched } = verifierFor(harness)
    const [, payload, signature] = first.signature.split('.')
    const malformed = [
      'not-a-jwt',
      'a.b.c',
      `${first.signature}.extra`,
      'x'.repeat(5_000),
      // ES256 but no kid, a kid that is not a string, a kid with characters no Plaid kid has.
      `${base64url({ alg: 'ES256', typ: 'JWT' })}.${payload}.${signature}`,
      `${base64url({ alg: 'ES256', kid: 42 })}.${payload}.${signature}`,
      `${base64url({ alg: 'ES256', kid: '../../etc/passwd\n' })}.${payload}.${signature}`,
    ]
    for (const header of malformed) {
      expect(await verifier.verify(first.body, header)).toEqual({ ok: false, reason: 'malformed' })
    }
    expect(fetched).toEqual([])
  })

  test('a signature by another P-256 key under the genuine kid is refused', async () => {
    const { verifier } = verifierFor(harness)
    const kid = decodeProtectedHeader(first.signature).kid as string
    const forged = await forge({ body: first.body, kid })
    expect(decodeProtectedHeader(forged)).toEqual(decodeProtectedHeader(first.signature))
    expect(await verifier.verify(first.body, forged)).toEqual({ ok: false, reason: 'signature' })
  })

  test('a body with one byte changed is refused', async () => {
    const { verifier } = verifierFor(harness)
    const bytes = new TextEncoder().encode(first.body)
    const middle = Math.floor(bytes.length / 2)
    bytes[middle] = (bytes[middle] as number) ^ 0x01
    expect(await verifier.verify(bytes, first.signature)).toEqual({ ok: false, reason: 'body_mismatch' })
    // Re-serialised JSON (same data, other whitespace) is not the signed body either.
    const reserialised = JSON.stringify(JSON.parse(first.body))
    expect(await verifier.verify(reserialised, first.signature)).toEqual({
      ok: false,
      reason: 'body_mismatch',
    })
  })

  test('an iat more than five minutes old is refused (the clock six minutes on)', async () => {
    const { verifier } = verifierFor(harness, { now: () => new Date(Date.now() + 6 * 60_000) })
    expect(await verifier.verify(first.body, first.signature)).toEqual({ ok: false, reason: 'stale' })
  })

  test('an iat well in the future is refused too', async () => {
    const { verifier } = verifierFor(harness, { now: () => new Date(Date.now() - 5 * 60_000) })
    expect(await verifier.verify(first.body, first.signature)).toEqual({ ok: false, reason: 'stale' })
  })

  test('alg HS256 (signed with the public key as an HMAC secret, the classic confusion) and alg none', async () => {
    const { verifier, fetched } = verifierFor(harness)
    const kid = decodeProtectedHeader(first.signature).kid as string
    const key = (await harness.client.webhookVerificationKeyGet({ key_id: kid })).data.key
    const hs256 = await forge({
      body: first.body,
      kid,
      alg: 'HS256',
      key: new TextEncoder().encode(JSON.stringify(key)),
    })
    expect(await verifier.verify(first.body, hs256)).toEqual({ ok: false, reason: 'algorithm' })
    const [, payload] = first.signature.split('.')
    const none = `${base64url({ alg: 'none', kid, typ: 'JWT' })}.${payload}.`
    expect(await verifier.verify(first.body, none)).toEqual({ ok: false, reason: 'algorithm' })
    const es384 = `${base64url({ alg: 'ES384', kid, typ: 'JWT' })}.${payload}.${first.signature.split('.')[2]}`
    expect(await verifier.verify(first.body, es384)).toEqual({ ok: false, reason: 'algorithm' })
    expect(fetched).toEqual([])
  })

  test('an unknown kid is refused without crashing, and remembered: Plaid is asked once a minute', async () => {
    let clock = Date.now()
    const { verifier, fetched } = verifierFor(harness, { now: () => new Date(clock) })
    const kid = crypto.randomUUID()
    const forged = await forge({ body: first.body, kid })

    expect(await verifier.verify(first.body, forged)).toEqual({ ok: false, reason: 'unknown_key' })
    expect(await verifier.verify(first.body, forged)).toEqual({ ok: false, reason: 'unknown_key' })
    clock += 30_000
    expect(await verifier.verify(first.body, forged)).toEqual({ ok: false, reason: 'unknown_key' })
    expect(fetched).toEqual([kid])
    clock += 31_000
    expect(await verifier.verify(first.body, forged)).toEqual({ ok: false, reason: 'unknown_key' })
    expect(fetched).toEqual([kid, kid])
  })

  test('random kids cannot make us hammer Plaid: key fetches are budgeted per minute', async () => {
    const { verifier, fetched } = verifierFor(harness, { maxKeyFetchesPerMinute: 3 })
    const reasons: string[] = []
    for (let i = 0; i < 10; i++) {
      const result = await verifier.verify(
        first.body,
        await forge({ body: first.body, kid: crypto.randomUUID() }),
      )
      if (!result.ok) reasons.push(result.reason)
    }
    expect(fetched).toHaveLength(3)
    expect(reasons).toEqual([...Array(3).fill('unknown_key'), ...Array(7).fill('key_unavailable')])
  })

  test('when Plaid cannot serve the key the webhook is refused (Plaid redelivers); a cached key keeps working', async () => {
    const { verifier, fetched } = verifierFor(harness, { keyRefreshMs: 0 })
    expect((await verifier.verify(first.body, first.signature)).ok).toBe(true)
    await harness.control('PUT', '/simulator/faults', {
      endpoint: '/webhook_verification_key/get',
      internal_error_rate: 1,
    })
    // keyRefreshMs 0: every use asks again; the 500s (retried by the client) fall back to the cached key.
    expect((await verifier.verify(first.body, first.signature)).ok).toBe(true)
    expect(fetched).toHaveLength(2)

    const fresh = verifierFor(harness)
    expect(await fresh.verifier.verify(first.body, first.signature)).toEqual({
      ok: false,
      reason: 'key_unavailable',
    })
  })

  test('rejections are logged with their reason and never with the token', async () => {
    const { verifier, logs } = verifierFor(harness)
    await verifier.verify('{"tampered":true}', first.signature)
    const line = logs.lines().find((entry) => entry.webhook) as { webhook: { reason: string } } | undefined
    expect(line?.webhook.reason).toBe('body_mismatch')
    expect(logs.text()).not.toContain(first.signature.split('.')[2] as string)
    expect(logs.text()).not.toContain(first.signature.split('.')[0] as string)
  })
})

describe('createWebhookVerifier: key rotation', () => {
  // Its own simulator: rotating the keys of the shared one would disturb the tests above.
  test('after the simulator rotates keys, webhooks signed with the old key are refused as expired', async () => {
    const own = await startHarness()
    const ownReceiver = startWebhookReceiver()
    try {
      const { accessToken: token } = await own.linkItem({ webhook: ownReceiver.url })
      await ownReceiver.waitFor(1)
      const old = ownReceiver.received[0] as ReceivedWebhook & { signature: string }
      const oldKid = decodeProtectedHeader(old.signature).kid

      // A verifier that already holds the old key, and one that has never seen it.
      const warm = verifierFor(own)
      expect((await warm.verifier.verify(old.body, old.signature)).ok).toBe(true)

      const rotated = await own.control('POST', '/simulator/webhook_keys/rotate')
      expect(rotated.status).toBe(200)
      expect(rotated.body.key.kid).not.toBe(oldKid)
      const served = await own.client.webhookVerificationKeyGet({ key_id: oldKid as string })
      expect(served.data.key.expired_at).toBeNumber()

      const cold = verifierFor(own)
      expect(await cold.verifier.verify(old.body, old.signature)).toEqual({
        ok: false,
        reason: 'expired_key',
      })

      // The warm verifier learns of the rotation from the new kid, then re-checks the old key.
      const next = await nextWebhook(ownReceiver, () =>
        own.client.sandboxItemFireWebhook({
          access_token: token,
          webhook_code: SandboxItemFireWebhookRequestWebhookCodeEnum.DefaultUpdate,
        }),
      )
      expect(decodeProtectedHeader(next.signature).kid).toBe(rotated.body.key.kid)
      expect((await warm.verifier.verify(next.body, next.signature)).ok).toBe(true)
      expect(await warm.verifier.verify(old.body, old.signature)).toEqual({
        ok: false,
        reason: 'expired_key',
      })
      expect(warm.fetched).toEqual([oldKid, rotated.body.key.kid, oldKid])
    } finally {
      ownReceiver.stop()
      await own.stop()
    }
  })
})
