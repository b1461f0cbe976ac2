import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import type { JWKPublicKey } from 'plaid'

type SigningKey = { readonly kid: string; readonly privateKey: CryptoKey; readonly jwk: JWKPublicKey }

export type Keyring = {
  /** The JWT for the `Plaid-Verification` header of a webhook whose exact body is `body`. */
  sign(body: string): Promise<string>
  find(kid: string): JWKPublicKey | undefined
  currentKid(): string
  /** A new signing key; the old one stays served, marked with `expired_at`, as Plaid does. */
  rotate(): Promise<JWKPublicKey>
  all(): JWKPublicKey[]
}

function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000)
}

async function createKey(now: Date): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  const exported = await exportJWK(publicKey)
  const kid = crypto.randomUUID()
  return {
    kid,
    privateKey,
    jwk: {
      alg: 'ES256',
      crv: 'P-256',
      kid,
      kty: 'EC',
      use: 'sig',
      x: exported.x ?? '',
      y: exported.y ?? '',
      created_at: unixSeconds(now),
      expired_at: null,
    },
  }
}

/** Webhook signing keys: fresh P-256 keys per process (a key derived from a public seed would be forgeable). */
export async function createKeyring(now: () => Date): Promise<Keyring> {
  const keys: SigningKey[] = [await createKey(now())]
  const current = () => keys[keys.length - 1] as SigningKey
  return {
    async sign(body) {
      const key = current()
      const digest = new Bun.CryptoHasher('sha256').update(body).digest('hex')
      return new SignJWT({ request_body_sha256: digest })
        .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
        .setIssuedAt(unixSeconds(now()))
        .sign(key.privateKey)
    },
    find: (kid) => keys.find((key) => key.kid === kid)?.jwk,
    currentKid: () => current().kid,
    async rotate() {
      const retiring = current()
      retiring.jwk.expired_at = unixSeconds(now())
      const next = await createKey(now())
      keys.push(next)
      return next.jwk
    },
    all: () => keys.map((key) => key.jwk),
  }
}
