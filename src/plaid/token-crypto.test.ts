import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { createTokenCipher, TokenDecryptError, TokenKeyError, tokenKeyId } from './token-crypto.ts'

const KEY = 'a'.repeat(16) + '0123456789abcdef'.repeat(3)
const OLD_KEY = 'f'.repeat(64)
const OTHER_KEY = '0123456789abcdef'.repeat(4)
const TOKEN = 'access-sandbox-8ab976e6-64bc-4b38-98f7-731e7a349970'
const ITEM = '4f1c2b8e-6d0a-4c55-9a3e-1f2d3c4b5a69'

const cipher = createTokenCipher({ key: KEY })

function decryptError(run: () => unknown): TokenDecryptError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(TokenDecryptError)
    const message = (error as Error).message
    for (const secret of [TOKEN, KEY, OLD_KEY, OTHER_KEY]) expect(message).not.toContain(secret)
    return error as TokenDecryptError
  }
  throw new Error('expected a TokenDecryptError')
}

/** The ciphertext with one byte of its decoded data changed. */
function tamperByte(sealed: string, index: number, flip = 0x01): string {
  const [version, keyId, data] = sealed.split(':') as [string, string, string]
  const raw = Buffer.from(data, 'base64url')
  raw[index % raw.length] = (raw[index % raw.length] as number) ^ flip
  return `${version}:${keyId}:${raw.toString('base64url')}`
}

describe('token cipher', () => {
  test('round trip, in the v1:<key id>:<base64url> format with nonce and tag', () => {
    const sealed = cipher.encrypt(TOKEN, ITEM)
    expect(sealed).toMatch(/^v1:[0-9a-f]{8}:[A-Za-z0-9_-]+$/)
    expect(sealed.split(':')[1]).toBe(cipher.keyId)
    expect(Buffer.from(sealed.split(':')[2] as string, 'base64url').length).toBe(12 + TOKEN.length + 16)
    expect(sealed).not.toContain(TOKEN)
    expect(cipher.decrypt(sealed, ITEM)).toBe(TOKEN)
    expect(cipher.needsRotation(sealed)).toBe(false)
  })

  test('a fresh random nonce every time: the same token twice gives different ciphertexts', () => {
    const sealed = new Set(Array.from({ length: 50 }, () => cipher.encrypt(TOKEN, ITEM)))
    expect(sealed.size).toBe(50)
    const nonces = new Set(
      [...sealed].map((s) =>
        Buffer.from(s.split(':')[2] as string, 'base64url')
          .subarray(0, 12)
          .toString('hex'),
      ),
    )
    expect(nonces.size).toBe(50)
  })

  test('changing any byte (nonce, ciphertext or tag) makes decryption fail', () => {
    const sealed = cipher.encrypt(TOKEN, ITEM)
    const length = Buffer.from(sealed.split(':')[2] as string, 'base64url').length
    for (let index = 0; index < length; index++) {
      const error = decryptError(() => cipher.decrypt(tamperByte(sealed, index), ITEM))
      expect(error.reason).toBe('authentication_failed')
    }
  })

  test('changing any character of the text makes decryption fail', () => {
    const sealed = cipher.encrypt(TOKEN, ITEM)
    for (let index = 0; index < sealed.length; index++) {
      const char = sealed[index] as string
      const replacement = char === 'A' ? 'B' : char === ':' ? ';' : 'A'
      const changed = sealed.slice(0, index) + replacement + sealed.slice(index + 1)
      expect(() => cipher.decrypt(changed, ITEM)).toThrow(TokenDecryptError)
    }
  })

  test('a token moved to another item does not decrypt (the item id is associated data)', () => {
    const sealed = cipher.encrypt(TOKEN, ITEM)
    expect(decryptError(() => cipher.decrypt(sealed, `${ITEM}x`)).reason).toBe('authentication_failed')
    expect(decryptError(() => cipher.decrypt(sealed, 'another-item')).message).toMatch(/altered|another item/)
  })

  test('the wrong key under a forged key id fails authentication', () => {
    const other = createTokenCipher({ key: OTHER_KEY })
    const sealed = other.encrypt(TOKEN, ITEM)
    const relabelled = sealed.replace(other.keyId, cipher.keyId)
    expect(decryptError(() => cipher.decrypt(relabelled, ITEM)).reason).toBe('authentication_failed')
  })

  test('with the previous key set, old tokens decrypt, need rotation, and re-encrypt under the new key', () => {
    const old = createTokenCipher({ key: OLD_KEY })
    const sealedOld = old.encrypt(TOKEN, ITEM)
    const rotating = createTokenCipher({ key: KEY, previousKey: OLD_KEY })
    expect(rotating.keyId).toBe(cipher.keyId)
    expect(rotating.decrypt(sealedOld, ITEM)).toBe(TOKEN)
    expect(rotating.needsRotation(sealedOld)).toBe(true)

    const rotated = rotating.reencrypt(sealedOld, ITEM)
    expect(rotating.needsRotation(rotated)).toBe(false)
    expect(rotated.split(':')[1]).toBe(cipher.keyId)
    // Idempotent: a second pass leaves it alone, and the new key alone reads it.
    expect(rotating.reencrypt(rotated, ITEM)).toBe(rotated)
    expect(cipher.decrypt(rotated, ITEM)).toBe(TOKEN)
    // reencrypt authenticates even what it leaves alone.
    expect(() => rotating.reencrypt(rotated, 'another-item')).toThrow(TokenDecryptError)
  })

  test('a token under a key Tally does not have gives a clear error naming only key ids', () => {
    const sealedOld = createTokenCipher({ key: OLD_KEY }).encrypt(TOKEN, ITEM)
    const error = decryptError(() => cipher.decrypt(sealedOld, ITEM))
    expect(error.reason).toBe('unknown_key')
    expect(error.message).toContain(tokenKeyId(OLD_KEY))
    expect(error.message).toContain('ENCRYPTION_KEY_PREVIOUS')
    expect(cipher.needsRotation(sealedOld)).toBe(true)
  })

  test('malformed and unknown-version input is reported as such', () => {
    const sealed = cipher.encrypt(TOKEN, ITEM)
    const data = sealed.split(':')[2] as string
    for (const bad of [
      '',
      TOKEN,
      'v1:',
      `v1:${cipher.keyId}:`,
      `v1:${cipher.keyId}:${data}=`,
      `v1:XYZ:${data}`,
      `v1:${cipher.keyId}:${data.slice(0, 20)}`,
    ])
      expect(decryptError(() => cipher.decrypt(bad, ITEM)).reason).toBe('malformed')
    expect(decryptError(() => cipher.decrypt(`v2:${cipher.keyId}:${data}`, ITEM)).reason).toBe(
      'unsupported_version',
    )
    expect(() => cipher.needsRotation('garbage')).toThrow(TokenDecryptError)
  })

  test('bad keys are refused without echoing them; an item id is required', () => {
    const thrown = (run: () => unknown) => {
      try {
        run()
      } catch (error) {
        expect(error).toBeInstanceOf(TokenKeyError)
        return (error as Error).message
      }
      throw new Error('expected a TokenKeyError')
    }
    for (const key of ['abc', 'g'.repeat(64), `${KEY}00`, KEY.slice(2)]) {
      expect(thrown(() => createTokenCipher({ key }))).toMatch(/^ENCRYPTION_KEY must be/)
      const message = thrown(() => createTokenCipher({ key: KEY, previousKey: key }))
      expect(message).toMatch(/^ENCRYPTION_KEY_PREVIOUS must be/)
      expect(message).not.toContain(key)
    }
    expect(thrown(() => createTokenCipher({ key: '' }))).toMatch(/^ENCRYPTION_KEY must be/)
    expect(() => cipher.encrypt(TOKEN, '')).toThrow(/item id/)
    // The same key twice is harmless: nothing to rotate.
    expect(createTokenCipher({ key: KEY, previousKey: KEY.toUpperCase() }).keyId).toBe(cipher.keyId)
  })

  test('the key id is a keyed fingerprint: stable, distinct per key, not a prefix of the key or its hash', () => {
    expect(tokenKeyId(KEY)).toBe(tokenKeyId(KEY.toUpperCase()))
    expect(tokenKeyId(KEY)).not.toBe(tokenKeyId(OLD_KEY))
    const sha = new Bun.CryptoHasher('sha256').update(Buffer.from(KEY, 'hex')).digest('hex')
    expect(KEY.startsWith(tokenKeyId(KEY))).toBe(false)
    expect(sha.startsWith(tokenKeyId(KEY))).toBe(false)
  })

  test('property: any text round-trips for its own item and fails for any other item or any changed byte', () => {
    const rotating = createTokenCipher({ key: KEY, previousKey: OLD_KEY })
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.string({ minLength: 1, maxLength: 60 }),
        fc.string({ minLength: 1, maxLength: 60 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (plaintext, itemId, otherItem, index, flip) => {
          const sealed = rotating.encrypt(plaintext, itemId)
          expect(rotating.decrypt(sealed, itemId)).toBe(plaintext)
          if (otherItem !== itemId)
            expect(() => rotating.decrypt(sealed, otherItem)).toThrow(TokenDecryptError)
          expect(() => rotating.decrypt(tamperByte(sealed, index, flip), itemId)).toThrow(TokenDecryptError)
        },
      ),
      { numRuns: 300 },
    )
  })

  test('property: binary-unit strings either round-trip exactly or are refused, never silently altered', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 50 }), (plaintext) => {
        let sealed: string
        try {
          sealed = cipher.encrypt(plaintext, ITEM)
        } catch (error) {
          expect((error as Error).message).toMatch(/well-formed/)
          return
        }
        expect(cipher.decrypt(sealed, ITEM)).toBe(plaintext)
      }),
      { numRuns: 300 },
    )
  })
})
