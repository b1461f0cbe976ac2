import { createRandom, type Random } from './random.ts'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** Plaid's item, account and transaction ids are 37 characters of base62. */
export const PLAID_ID_LENGTH = 37

function idFrom(random: Random, length: number): string {
  let id = ''
  for (let i = 0; i < length; i++) id += ALPHABET[Math.floor(random.next() * ALPHABET.length)]
  return id
}

/** An id that is a pure function of its labels: same seed and labels, same id. */
export function deterministicId(...labels: ReadonlyArray<string | number>): string {
  return idFrom(createRandom('id', ...labels), PLAID_ID_LENGTH)
}

function secureString(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length))
  let out = ''
  // 62 * 4 = 248 < 256: the small modulo bias is irrelevant for identifiers.
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length]
  return out
}

/** Plaid request ids look like `m8MDnv9okwxFNBV`; unique per response. */
export function newRequestId(): string {
  return secureString(15)
}

export type TokenKind = 'link' | 'public' | 'access'

/**
 * Tokens are credentials, so they come from the CSPRNG rather than the seed: a seed is public
 * knowledge and must not let anyone guess another process's access tokens.
 */
export function newToken(kind: TokenKind): string {
  return `${kind}-sandbox-${crypto.randomUUID()}`
}

const TOKEN_PATTERN =
  /^(link|public|access)-sandbox-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export function tokenKind(token: string): TokenKind | null {
  const match = TOKEN_PATTERN.exec(token)
  return match ? (match[1] as TokenKind) : null
}
