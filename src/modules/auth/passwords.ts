import type { FieldError } from '../../errors.ts'
import commonPasswordList from './common-passwords.txt' with { type: 'text' }

export const PASSWORD_MIN = 12
export const PASSWORD_MAX = 256

const COMMON = new Set(
  commonPasswordList
    .split('\n')
    .map((line) => line.trim().toLowerCase())
    .filter(Boolean),
)

/** OWASP's argon2id baseline: 19 MiB of memory, two passes. */
const HASH_OPTIONS = { algorithm: 'argon2id', memoryCost: 19456, timeCost: 2 } as const

/** NIST SP 800-63B §5.1.1.2: compare and hash the NFKC form, so one password has one spelling. */
const normalise = (password: string) => password.normalize('NFKC')

/**
 * NIST SP 800-63B rules: a length range (counted in characters, not bytes), no composition rules, and
 * a refusal of passwords that are common, repetitive, sequential, or built from the account's email
 * or the service's name. Returns the problems, empty when the password is acceptable.
 */
export function passwordProblems(password: string, email: string): FieldError[] {
  const chars = [...normalise(password)]
  const problem = (message: string): FieldError[] => [{ in: 'body', path: '/password', message }]
  if (chars.length < PASSWORD_MIN) return problem(`must be at least ${PASSWORD_MIN} characters long`)
  if (chars.length > PASSWORD_MAX) return problem(`must be at most ${PASSWORD_MAX} characters long`)
  const lower = normalise(password).toLowerCase()
  if (COMMON.has(lower)) return problem('is one of the most commonly used passwords; choose another')
  if (new Set(chars).size <= 2) return problem('repeats the same characters; choose another')
  if (isSequence(lower)) return problem('is a simple sequence; choose another')
  const localPart = email.split('@')[0] ?? ''
  if ((localPart.length >= 4 && lower.includes(localPart)) || lower.includes('tally'))
    return problem('must not contain your email address or the name of this service')
  return []
}

function isSequence(text: string): boolean {
  const codes = [...text].map((c) => c.codePointAt(0) as number)
  const steps = new Set(codes.slice(1).map((code, i) => code - (codes[i] as number)))
  return steps.size === 1 && (steps.has(1) || steps.has(-1))
}

export function hashPassword(password: string): Promise<string> {
  return Bun.password.hash(normalise(password), HASH_OPTIONS)
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return Bun.password.verify(normalise(password), hash)
}

/**
 * A hash of a random password, computed once: log-ins for unknown emails are checked against it so
 * they take as long as a wrong password for a real account and reveal nothing by timing.
 */
let dummyHash: Promise<string> | undefined
export function verifyAgainstDummy(password: string): Promise<boolean> {
  dummyHash ??= hashPassword(crypto.randomUUID() + crypto.randomUUID())
  return dummyHash.then((hash) => verifyPassword(password, hash)).then(() => false)
}
