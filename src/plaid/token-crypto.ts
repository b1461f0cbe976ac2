import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

const VERSION = 'v1'
const ALGORITHM = 'aes-256-gcm'
const NONCE_BYTES = 12
const TAG_BYTES = 16
const KEY_HEX = /^[0-9a-fA-F]{64}$/
const SEALED = /^v1:([0-9a-f]{8}):([A-Za-z0-9_-]+)$/
const VERSIONED = /^v\d+:/

export type TokenDecryptReason = 'malformed' | 'unsupported_version' | 'unknown_key' | 'authentication_failed'

/** A token that cannot be opened. The message never holds the token, the ciphertext or a key. */
export class TokenDecryptError extends Error {
  override readonly name = 'TokenDecryptError'
  constructor(
    readonly reason: TokenDecryptReason,
    message: string,
  ) {
    super(message)
  }
}

/** A key that cannot be used (wrong length or characters). Names the variable, never the value. */
export class TokenKeyError extends Error {
  override readonly name = 'TokenKeyError'
}

export interface TokenCipherOptions {
  /** ENCRYPTION_KEY: 32 bytes as 64 hex characters; every new encryption uses it. */
  key: string
  /** ENCRYPTION_KEY_PREVIOUS during a rotation: still decrypts, never encrypts. */
  previousKey?: string
}

export interface TokenCipher {
  /** Fingerprint of the current key as it appears in ciphertexts; not secret. */
  readonly keyId: string
  /** `v1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>`, bound to `itemId`. */
  encrypt(plaintext: string, itemId: string): string
  decrypt(ciphertext: string, itemId: string): string
  /** Whether the ciphertext is under a key other than the current one. Throws when it is malformed. */
  needsRotation(ciphertext: string): boolean
  /**
   * The same token under the current key; the input unchanged when it already is (idempotent). Throws
   * like decrypt when the token does not open.
   */
  reencrypt(ciphertext: string, itemId: string): string
}

interface CipherKey {
  id: string
  bytes: Buffer
}

/**
 * The key's public name: HMAC-SHA256 keyed with the key itself over a fixed label, first 4 bytes. A
 * keyed PRF output reveals nothing usable about the key (unlike a plain hash of a low-entropy secret
 * it cannot be checked against guesses without the key), and 32 bits tell two keys apart.
 */
export function tokenKeyId(keyHex: string): string {
  return createHmac('sha256', Buffer.from(keyHex, 'hex'))
    .update('tally token-cipher key id v1')
    .digest('hex')
    .slice(0, 8)
}

function loadKey(hex: string, variable: string): CipherKey {
  if (!KEY_HEX.test(hex))
    throw new TokenKeyError(`${variable} must be exactly 64 hexadecimal characters (32 bytes)`)
  return { id: tokenKeyId(hex), bytes: Buffer.from(hex, 'hex') }
}

// The version and key id are authenticated with the item id, so none of them can be swapped.
const associatedData = (keyId: string, itemId: string) => Buffer.from(`${VERSION}:${keyId}:${itemId}`, 'utf8')

function requireItemId(itemId: string) {
  if (typeof itemId !== 'string' || itemId === '')
    throw new TypeError('an item id is required to bind the token')
}

interface Sealed {
  keyId: string
  nonce: Buffer
  body: Buffer
  tag: Buffer
}

function parse(ciphertext: string): Sealed {
  if (typeof ciphertext !== 'string')
    throw new TokenDecryptError('malformed', 'the encrypted token is not a string')
  const match = SEALED.exec(ciphertext)
  if (!match) {
    if (VERSIONED.test(ciphertext) && !ciphertext.startsWith(`${VERSION}:`))
      throw new TokenDecryptError(
        'unsupported_version',
        `the encrypted token uses format ${ciphertext.slice(0, ciphertext.indexOf(':'))}, which this version of Tally does not know`,
      )
    throw new TokenDecryptError('malformed', 'the encrypted token is not in the v1:<key id>:<data> format')
  }
  const encoded = match[2] as string
  const raw = Buffer.from(encoded, 'base64url')
  // Only the canonical encoding is accepted, so that every character of the text is covered by the tag.
  if (raw.length < NONCE_BYTES + TAG_BYTES || raw.toString('base64url') !== encoded)
    throw new TokenDecryptError(
      'malformed',
      'the encrypted token’s data is truncated or not canonical base64url',
    )
  return {
    keyId: match[1] as string,
    nonce: raw.subarray(0, NONCE_BYTES),
    body: raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES),
    tag: raw.subarray(raw.length - TAG_BYTES),
  }
}

/**
 * AES-256-GCM for Plaid access tokens at rest: a random 96-bit nonce per encryption (2^32 encryptions
 * per key stay far inside GCM's random-nonce bound), a 128-bit tag, and the item id as associated data
 * so a token copied onto another item's row does not decrypt.
 */
export function createTokenCipher({ key, previousKey }: TokenCipherOptions): TokenCipher {
  const current = loadKey(key, 'ENCRYPTION_KEY')
  const keys = new Map([[current.id, current]])
  if (previousKey !== undefined && previousKey !== '') {
    const previous = loadKey(previousKey, 'ENCRYPTION_KEY_PREVIOUS')
    if (previous.id !== current.id) keys.set(previous.id, previous)
    else if (!timingSafeEqual(previous.bytes, current.bytes))
      // 1 in 4 billion; a fresh key resolves it.
      throw new TokenKeyError(
        'ENCRYPTION_KEY and ENCRYPTION_KEY_PREVIOUS have the same key id; generate a new key',
      )
  }

  const encrypt = (plaintext: string, itemId: string) => {
    requireItemId(itemId)
    const bytes = Buffer.from(plaintext, 'utf8')
    // Lone surrogates would come back as U+FFFD; refuse rather than store something else.
    if (bytes.toString('utf8') !== plaintext) throw new TypeError('the token is not well-formed Unicode text')
    const nonce = randomBytes(NONCE_BYTES)
    const cipher = createCipheriv(ALGORITHM, current.bytes, nonce, { authTagLength: TAG_BYTES })
    cipher.setAAD(associatedData(current.id, itemId))
    const body = Buffer.concat([cipher.update(bytes), cipher.final()])
    const sealed = Buffer.concat([nonce, body, cipher.getAuthTag()])
    return `${VERSION}:${current.id}:${sealed.toString('base64url')}`
  }

  const decrypt = (ciphertext: string, itemId: string) => {
    requireItemId(itemId)
    const { keyId, nonce, body, tag } = parse(ciphertext)
    const key = keys.get(keyId)
    if (!key)
      throw new TokenDecryptError(
        'unknown_key',
        `the token was encrypted with key ${keyId}, which is neither ENCRYPTION_KEY (${current.id}) nor ENCRYPTION_KEY_PREVIOUS; set ENCRYPTION_KEY_PREVIOUS to that key to read it`,
      )
    try {
      const decipher = createDecipheriv(ALGORITHM, key.bytes, nonce, { authTagLength: TAG_BYTES })
      decipher.setAAD(associatedData(key.id, itemId))
      decipher.setAuthTag(tag)
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8')
    } catch {
      throw new TokenDecryptError(
        'authentication_failed',
        'the encrypted token failed authentication: it was altered, or it belongs to another item',
      )
    }
  }

  const needsRotation = (ciphertext: string) => parse(ciphertext).keyId !== current.id

  return {
    keyId: current.id,
    encrypt,
    decrypt,
    needsRotation,
    reencrypt(ciphertext, itemId) {
      // Decrypted either way, so a rotation also proves every token it leaves alone still opens.
      const plaintext = decrypt(ciphertext, itemId)
      return needsRotation(ciphertext) ? encrypt(plaintext, itemId) : ciphertext
    },
  }
}
