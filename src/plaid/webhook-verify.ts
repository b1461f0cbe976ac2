import { createHash, timingSafeEqual } from 'node:crypto'
import { decodeProtectedHeader, importJWK, type JWK, jwtVerify } from 'jose'
import type { PlaidApi } from 'plaid'
import type { Logger } from '../logger.ts'
import { plaidErrorOf } from './errors.ts'

/** Why a webhook was refused. For logs only: the route answers a bare 401 whatever the reason. */
export type WebhookRejection =
  | 'missing'
  | 'malformed'
  | 'algorithm'
  | 'unknown_key'
  | 'expired_key'
  /** Plaid could not be asked for the key (outage, or our fetch budget is spent): Plaid will redeliver. */
  | 'key_unavailable'
  | 'signature'
  | 'stale'
  | 'body_mismatch'

export type WebhookVerification =
  | {
      ok: true
      payload: unknown
      /** SHA-256 hex of the JWT: the same delivery twice has the same hash, for replay detection. */
      tokenHash: string
    }
  | { ok: false; reason: WebhookRejection }

export interface WebhookVerifier {
  verify(rawBody: Uint8Array | string, header: string | null | undefined): Promise<WebhookVerification>
}

export interface WebhookVerifierOptions {
  plaid: Pick<PlaidApi, 'webhookVerificationKeyGet'>
  logger: Logger
  now?: () => Date
  /** Oldest `iat` accepted; Plaid's guidance is five minutes. */
  maxAgeSeconds?: number
  /** How long a kid Plaid does not know is refused without asking again. */
  unknownKeyTtlMs?: number
  /** After this long a cached key is fetched again, so an `expired_at` set by a rotation is noticed. */
  keyRefreshMs?: number
  /** Key fetches allowed per rolling minute, so random kids cannot make us hammer Plaid. */
  maxKeyFetchesPerMinute?: number
}

type CachedKey = {
  key: CryptoKey | Uint8Array
  /** Unix seconds, as Plaid sends it; null while the key is current. */
  expiredAt: number | null
  fetchedAt: number
}

type KeyLookup = { found: CachedKey } | { missing: 'unknown_key' | 'key_unavailable' }

/** `iat` this far in the future is still accepted: Plaid's clock and ours are not identical. */
const CLOCK_SKEW_SECONDS = 60
/** A Plaid JWT is about 300 bytes; anything far larger is not one, and is not worth parsing. */
const MAX_TOKEN_LENGTH = 4_096
const KID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/
const SHA256_HEX = /^[0-9a-fA-F]{64}$/
const MAX_REMEMBERED_UNKNOWN_KIDS = 10_000

function sha256(data: Uint8Array | string): Buffer {
  return createHash('sha256').update(data).digest()
}

/**
 * Verifies Plaid's `Plaid-Verification` header as Plaid documents: an ES256 JWT signed with the key
 * named by `kid` (from /webhook_verification_key/get), issued within the last five minutes, whose
 * `request_body_sha256` is the hash of the exact body bytes.
 */
export function createWebhookVerifier(options: WebhookVerifierOptions): WebhookVerifier {
  const now = options.now ?? (() => new Date())
  const maxAgeSeconds = options.maxAgeSeconds ?? 300
  const unknownKeyTtlMs = options.unknownKeyTtlMs ?? 60_000
  const keyRefreshMs = options.keyRefreshMs ?? 60 * 60_000
  const maxFetches = options.maxKeyFetchesPerMinute ?? 10
  const { logger, plaid } = options

  const keys = new Map<string, CachedKey>()
  /** kid → time (ms) until which it is refused without asking Plaid. */
  const unknownKids = new Map<string, number>()
  const inFlight = new Map<string, Promise<KeyLookup>>()
  const fetchTimes: number[] = []

  function spendFetchBudget(at: number): boolean {
    while (fetchTimes.length > 0 && (fetchTimes[0] as number) <= at - 60_000) fetchTimes.shift()
    if (fetchTimes.length >= maxFetches) return false
    fetchTimes.push(at)
    return true
  }

  function rememberUnknown(kid: string, at: number) {
    if (unknownKids.size >= MAX_REMEMBERED_UNKNOWN_KIDS) {
      const oldest = unknownKids.keys().next().value
      if (oldest !== undefined) unknownKids.delete(oldest)
    }
    unknownKids.set(kid, at + unknownKeyTtlMs)
  }

  async function fetchKey(kid: string, stale: CachedKey | undefined): Promise<KeyLookup> {
    const at = now().getTime()
    if (!spendFetchBudget(at)) {
      logger.warn({ webhook: { kid } }, 'plaid webhook: key fetch budget spent; not asking Plaid')
      return stale ? { found: stale } : { missing: 'key_unavailable' }
    }
    let jwk: JWK & { expired_at?: number | null }
    try {
      const response = await plaid.webhookVerificationKeyGet({ key_id: kid })
      jwk = response.data.key as JWK & { expired_at?: number | null }
    } catch (error) {
      const plaidError = plaidErrorOf(error)
      if (plaidError?.error_code === 'INVALID_WEBHOOK_VERIFICATION_KEY_ID') {
        keys.delete(kid)
        rememberUnknown(kid, at)
        return { missing: 'unknown_key' }
      }
      // An outage (already retried by the client) or our own misconfiguration: keep serving a key we
      // had rather than refuse every webhook; Plaid redelivers what we refuse.
      logger.error(
        { webhook: { kid }, plaid_error: plaidError?.error_code ?? 'network' },
        'plaid webhook: could not fetch verification key',
      )
      return stale ? { found: stale } : { missing: 'key_unavailable' }
    }
    if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || (jwk.alg !== undefined && jwk.alg !== 'ES256')) {
      logger.error({ webhook: { kid, kty: jwk.kty, crv: jwk.crv } }, 'plaid webhook: key is not a P-256 key')
      return { missing: 'key_unavailable' }
    }
    const entry: CachedKey = {
      key: await importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, 'ES256'),
      expiredAt: typeof jwk.expired_at === 'number' ? jwk.expired_at : null,
      fetchedAt: at,
    }
    if (!stale) {
      // A kid we have not seen usually means Plaid rotated: look at the others again on their next use,
      // so the key that was retired is refused from now on.
      for (const other of keys.values()) other.fetchedAt = Number.NEGATIVE_INFINITY
    }
    keys.set(kid, entry)
    unknownKids.delete(kid)
    return { found: entry }
  }

  function lookUpKey(kid: string): Promise<KeyLookup> {
    const at = now().getTime()
    const cached = keys.get(kid)
    if (cached && at - cached.fetchedAt < keyRefreshMs) return Promise.resolve({ found: cached })
    const refusedUntil = unknownKids.get(kid)
    if (refusedUntil !== undefined) {
      if (refusedUntil > at) return Promise.resolve({ missing: 'unknown_key' })
      unknownKids.delete(kid)
    }
    // Concurrent deliveries signed with the same new key share one fetch.
    const pending = inFlight.get(kid)
    if (pending) return pending
    const fetching = fetchKey(kid, cached).finally(() => inFlight.delete(kid))
    inFlight.set(kid, fetching)
    return fetching
  }

  async function check(
    rawBody: Uint8Array | string,
    header: string | null | undefined,
  ): Promise<WebhookVerification> {
    const token = header?.trim()
    if (!token) return { ok: false, reason: 'missing' }
    if (token.length > MAX_TOKEN_LENGTH || token.split('.').length !== 3)
      return { ok: false, reason: 'malformed' }
    let protectedHeader: ReturnType<typeof decodeProtectedHeader>
    try {
      protectedHeader = decodeProtectedHeader(token)
    } catch {
      return { ok: false, reason: 'malformed' }
    }
    // Checked before any key is fetched: 'none' and HMAC algorithms are the classic JWT forgeries.
    if (protectedHeader.alg !== 'ES256') return { ok: false, reason: 'algorithm' }
    const kid = protectedHeader.kid
    if (typeof kid !== 'string' || !KID_PATTERN.test(kid)) return { ok: false, reason: 'malformed' }

    const lookup = await lookUpKey(kid)
    if ('missing' in lookup) return { ok: false, reason: lookup.missing }
    const currentDate = now()
    const nowSeconds = Math.floor(currentDate.getTime() / 1000)
    if (lookup.found.expiredAt !== null && lookup.found.expiredAt <= nowSeconds) {
      return { ok: false, reason: 'expired_key' }
    }

    let claims: Record<string, unknown>
    try {
      const verified = await jwtVerify(token, lookup.found.key, { algorithms: ['ES256'], currentDate })
      claims = verified.payload
    } catch (error) {
      const code = (error as { code?: unknown }).code
      if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return { ok: false, reason: 'signature' }
      if (code === 'ERR_JWT_EXPIRED' || code === 'ERR_JWT_CLAIM_VALIDATION_FAILED')
        return { ok: false, reason: 'stale' }
      return { ok: false, reason: 'malformed' }
    }

    const issuedAt = claims.iat
    if (typeof issuedAt !== 'number' || !Number.isFinite(issuedAt)) return { ok: false, reason: 'malformed' }
    if (nowSeconds - issuedAt > maxAgeSeconds || issuedAt - nowSeconds > CLOCK_SKEW_SECONDS) {
      return { ok: false, reason: 'stale' }
    }

    const claimed = claims.request_body_sha256
    if (typeof claimed !== 'string' || !SHA256_HEX.test(claimed)) return { ok: false, reason: 'malformed' }
    // Both sides are 32 bytes, as timingSafeEqual requires; the hex was checked above.
    if (!timingSafeEqual(Buffer.from(claimed, 'hex'), sha256(rawBody)))
      return { ok: false, reason: 'body_mismatch' }

    let payload: unknown
    try {
      const text =
        typeof rawBody === 'string' ? rawBody : new TextDecoder('utf-8', { fatal: true }).decode(rawBody)
      payload = JSON.parse(text)
    } catch {
      return { ok: false, reason: 'malformed' }
    }
    return { ok: true, payload, tokenHash: sha256(token).toString('hex') }
  }

  return {
    async verify(rawBody, header) {
      const result = await check(rawBody, header)
      if (!result.ok) {
        // The token itself is never logged: it is a bearer credential for its body for five minutes.
        logger.warn({ webhook: { reason: result.reason } }, `plaid webhook rejected: ${result.reason}`)
      }
      return result
    },
  }
}
