import type { SimClock } from './clock.ts'
import { durations } from './clock.ts'
import { newToken, tokenKind } from './ids.ts'

/** Plaid's lifetimes: link tokens 4 hours (30 minutes in update mode), public tokens 30 minutes. */
export const LINK_TOKEN_TTL_MS = 4 * durations.hour
export const UPDATE_LINK_TOKEN_TTL_MS = 30 * durations.minute
export const PUBLIC_TOKEN_TTL_MS = 30 * durations.minute

export type LinkTokenGrant = {
  readonly token: string
  readonly expiresAt: Date
  readonly clientName: string
  readonly products: readonly string[]
  readonly webhook: string | null
  readonly userId: string | null
  /** Set for update mode: the item whose login the session repairs. */
  readonly updateSerial: number | null
}

export type PublicTokenGrant = { readonly token: string; readonly serial: number; readonly expiresAt: Date }

export type Redemption = { serial: number } | { error: 'unknown' | 'expired' }

export type TokenRegistry = {
  issueLinkToken(grant: Omit<LinkTokenGrant, 'token' | 'expiresAt'>): LinkTokenGrant
  findLinkToken(token: string): LinkTokenGrant | 'expired' | undefined
  issuePublicToken(serial: number): PublicTokenGrant
  /** Single use: a redeemed token is forgotten, so a second exchange fails like an unknown token. */
  redeemPublicToken(token: string): Redemption
  issueAccessToken(serial: number): string
  findAccessToken(token: string): number | undefined
  /** Forgets expired tokens; returns the items whose public token expired unexchanged. */
  sweep(): number[]
}

export function createTokenRegistry(clock: SimClock): TokenRegistry {
  const linkTokens = new Map<string, LinkTokenGrant>()
  const publicTokens = new Map<string, PublicTokenGrant>()
  const accessTokens = new Map<string, number>()
  // Expired public tokens are remembered for a day, so a late exchange hears "expired", not "unknown".
  const expiredPublicTokens = new Map<string, Date>()
  const expired = (at: Date) => clock.now().getTime() >= at.getTime()

  return {
    issueLinkToken(grant) {
      const ttl = grant.updateSerial === null ? LINK_TOKEN_TTL_MS : UPDATE_LINK_TOKEN_TTL_MS
      const issued = { ...grant, token: newToken('link'), expiresAt: new Date(clock.now().getTime() + ttl) }
      linkTokens.set(issued.token, issued)
      return issued
    },
    findLinkToken(token) {
      const grant = linkTokens.get(token)
      if (!grant) return undefined
      return expired(grant.expiresAt) ? 'expired' : grant
    },
    issuePublicToken(serial) {
      const grant = {
        token: newToken('public'),
        serial,
        expiresAt: new Date(clock.now().getTime() + PUBLIC_TOKEN_TTL_MS),
      }
      publicTokens.set(grant.token, grant)
      return grant
    },
    redeemPublicToken(token) {
      const grant = tokenKind(token) === 'public' ? publicTokens.get(token) : undefined
      if (!grant) return { error: expiredPublicTokens.has(token) ? 'expired' : 'unknown' }
      if (expired(grant.expiresAt)) return { error: 'expired' }
      publicTokens.delete(token)
      return { serial: grant.serial }
    },
    issueAccessToken(serial) {
      const token = newToken('access')
      accessTokens.set(token, serial)
      return token
    },
    findAccessToken(token) {
      return accessTokens.get(token)
    },
    sweep() {
      const abandoned: number[] = []
      for (const [token, grant] of linkTokens) if (expired(grant.expiresAt)) linkTokens.delete(token)
      for (const [token, grant] of publicTokens) {
        if (!expired(grant.expiresAt)) continue
        publicTokens.delete(token)
        expiredPublicTokens.set(token, grant.expiresAt)
        abandoned.push(grant.serial)
      }
      const forgetBefore = clock.now().getTime() - durations.day
      for (const [token, at] of expiredPublicTokens)
        if (at.getTime() < forgetBefore) expiredPublicTokens.delete(token)
      return abandoned
    },
  }
}
