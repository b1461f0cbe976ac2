import type { Config } from '../../config/index.ts'
import type { Sql } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import type { ClientInfo } from '../../http/client.ts'
import { recordAudit } from '../audit/service.ts'
import {
  type CurrentSession,
  createSession,
  revokeOtherSessions,
  sessionPolicy,
} from '../sessions/service.ts'
import { hashPassword, passwordProblems, verifyAgainstDummy, verifyPassword } from './passwords.ts'
import { clearAccountFailures, recordFailure, secondsLocked, throttleKeys } from './throttle.ts'

export interface AuthDeps {
  sql: Sql
  config: Config
  now: () => Date
}

export interface PublicUser {
  id: string
  email: string
  createdAt: Date
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** Trimmed and lower-cased, so one person has one account whatever they type. */
export function normaliseEmail(email: string): string {
  const normalised = email.trim().toLowerCase()
  if (!EMAIL.test(normalised) || normalised.length > 254)
    throw new AppError('invalid', 'VALIDATION_FAILED', 'The request is invalid; see errors for each field.', {
      errors: [{ in: 'body', path: '/email', message: 'Expected an email address' }],
    })
  return normalised
}

function assertStrongPassword(password: string, email: string) {
  const errors = passwordProblems(password, email)
  if (errors.length > 0)
    throw new AppError('invalid', 'WEAK_PASSWORD', `The password ${errors[0]?.message}.`, { errors })
}

const invalidCredentials = () =>
  new AppError('unauthorized', 'INVALID_CREDENTIALS', 'The email or password is incorrect.')

const throttled = (seconds: number) =>
  new AppError(
    'rate_limited',
    'LOGIN_THROTTLED',
    `Too many failed attempts. Try again in ${seconds} seconds.`,
    {
      headers: { 'retry-after': String(seconds) },
    },
  )

export async function signup(
  deps: AuthDeps,
  input: { email: string; password: string },
  client: ClientInfo,
): Promise<{ user: PublicUser; session: { id: string; token: string } }> {
  const { sql, config } = deps
  if (config.SIGNUPS === 'closed')
    throw new AppError('forbidden', 'SIGNUPS_CLOSED', 'This Tally does not accept new accounts.')
  const email = normaliseEmail(input.email)
  assertStrongPassword(input.password, email)
  const passwordHash = await hashPassword(input.password)
  const now = deps.now()
  return sql.begin(async (tx) => {
    if (config.SIGNUPS === 'first-user') {
      // Serialises concurrent sign-ups so that exactly one can be the first.
      await tx`select pg_advisory_xact_lock(8411737265)`
      const [existing] = await tx`select 1 from users limit 1`
      if (existing)
        throw new AppError(
          'forbidden',
          'SIGNUPS_CLOSED',
          'This Tally already has its owner and accepts no new accounts.',
        )
    }
    const [user] = await tx<PublicUser[]>`
      insert into users (email, password_hash, created_at, password_changed_at)
      values (${email}, ${passwordHash}, ${now}, ${now})
      on conflict (email) do nothing
      returning id, email, created_at as "createdAt"`
    if (!user)
      throw new AppError(
        'conflict',
        'EMAIL_TAKEN',
        'An account with this email already exists; log in instead.',
      )
    const session = await createSession(tx, user.id, client, sessionPolicy(config), now)
    await recordAudit(tx, { userId: user.id, event: 'signup', client, at: now })
    return { user, session }
  })
}

export async function login(
  deps: AuthDeps,
  input: { email: string; password: string },
  client: ClientInfo,
): Promise<{ user: PublicUser; session: { id: string; token: string } }> {
  const { sql, config } = deps
  const now = deps.now()
  const email = input.email.trim().toLowerCase()
  const keys = throttleKeys(email, client.ip)
  const wait = await secondsLocked(sql, keys, now)
  if (wait > 0) throw throttled(wait)

  const [found] = await sql<(PublicUser & { passwordHash: string })[]>`
    select id, email, created_at as "createdAt", password_hash as "passwordHash" from users where email = ${email}`
  const valid = found
    ? await verifyPassword(input.password, found.passwordHash)
    : await verifyAgainstDummy(input.password)
  if (!found || !valid) {
    await recordFailure(sql, keys, now)
    await recordAudit(sql, { userId: found?.id ?? null, event: 'login_failed', client, at: now })
    throw invalidCredentials()
  }
  await clearAccountFailures(sql, email)
  const session = await createSession(sql, found.id, client, sessionPolicy(config), now)
  await recordAudit(sql, { userId: found.id, event: 'login_succeeded', client, at: now })
  return { user: { id: found.id, email: found.email, createdAt: found.createdAt }, session }
}

export async function logout(deps: AuthDeps, session: CurrentSession, client: ClientInfo): Promise<void> {
  await deps.sql`delete from sessions where id = ${session.id}`
  await recordAudit(deps.sql, { userId: session.userId, event: 'logout', client, at: deps.now() })
}

export async function getUser(deps: AuthDeps, userId: string): Promise<PublicUser> {
  const [user] = await deps.sql<
    PublicUser[]
  >`select id, email, created_at as "createdAt" from users where id = ${userId}`
  if (!user) throw new AppError('unauthorized', 'UNAUTHENTICATED', 'Log in first.')
  return user
}

/**
 * Checks a signed-in user's password before a sensitive change, under the same throttle as log-in:
 * a stolen session must not become a way to guess the password.
 */
export async function confirmPassword(
  deps: AuthDeps,
  session: CurrentSession,
  password: string,
  client: ClientInfo,
) {
  const now = deps.now()
  const keys = throttleKeys(session.email, client.ip)
  const wait = await secondsLocked(deps.sql, keys, now)
  if (wait > 0) throw throttled(wait)
  const [row] = await deps.sql<
    { hash: string }[]
  >`select password_hash as hash from users where id = ${session.userId}`
  if (!row || !(await verifyPassword(password, row.hash))) {
    await recordFailure(deps.sql, keys, now)
    throw new AppError('forbidden', 'PASSWORD_INCORRECT', 'The current password is incorrect.', {
      errors: [{ in: 'body', path: '/currentPassword', message: 'is incorrect' }],
    })
  }
}

/** Changes the password and ends every other session: whoever else was logged in is logged out. */
export async function changePassword(
  deps: AuthDeps,
  session: CurrentSession,
  input: { currentPassword: string; newPassword: string },
  client: ClientInfo,
): Promise<{ revokedSessions: number }> {
  await confirmPassword(deps, session, input.currentPassword, client)
  assertStrongPassword(input.newPassword, session.email)
  const hash = await hashPassword(input.newPassword)
  const now = deps.now()
  return deps.sql.begin(async (tx) => {
    await tx`update users set password_hash = ${hash}, password_changed_at = ${now} where id = ${session.userId}`
    const revokedSessions = await revokeOtherSessions(tx, session.userId, session.id)
    await recordAudit(tx, {
      userId: session.userId,
      event: 'password_changed',
      client,
      details: { revokedSessions },
      at: now,
    })
    return { revokedSessions }
  })
}

/**
 * Deletes the user and, through foreign keys, everything that belongs to them. The caller has
 * confirmed the password (confirmPassword) and removed their banks at Plaid.
 */
export async function deleteAccount(
  deps: AuthDeps,
  session: CurrentSession,
  client: ClientInfo,
): Promise<void> {
  await deps.sql.begin(async (tx) => {
    await tx`delete from users where id = ${session.userId}`
    await tx`delete from login_failures where key = ${`account:${session.email}`}`
    // Kept without the person's data: that an account was deleted, and when.
    await recordAudit(tx, {
      userId: null,
      event: 'account_deleted',
      client,
      details: { userId: session.userId },
      at: deps.now(),
    })
  })
}
