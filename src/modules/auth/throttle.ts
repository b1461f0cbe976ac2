import type { Sql } from '../../db/index.ts'

/**
 * Failed log-ins are counted per account and per client address. From the threshold on, the key is
 * locked for a time that doubles with every further failure (30 s, 1 min, 2 min, ... up to 15 min);
 * while locked every attempt is refused before the password is even checked. A key with no failure
 * for an hour starts from zero again. Accounts are counted whether or not the email exists, so the
 * throttle reveals nothing about which emails have accounts.
 */
export const THROTTLE = {
  accountThreshold: 5,
  ipThreshold: 20,
  baseLockSeconds: 30,
  maxLockSeconds: 15 * 60,
  forgetAfterSeconds: 60 * 60,
} as const

export interface ThrottleKey {
  key: string
  threshold: number
}

export function throttleKeys(email: string, ip: string | null): ThrottleKey[] {
  const keys: ThrottleKey[] = [{ key: `account:${email}`, threshold: THROTTLE.accountThreshold }]
  if (ip) keys.push({ key: `ip:${ip}`, threshold: THROTTLE.ipThreshold })
  return keys
}

/** How long a key stays locked after its `failures`-th failure, in seconds (0: not locked). */
export function lockSeconds(failures: number, threshold: number): number {
  if (failures < threshold) return 0
  return Math.min(THROTTLE.maxLockSeconds, THROTTLE.baseLockSeconds * 2 ** (failures - threshold))
}

/** Seconds until the first of these keys unlocks, or 0 when none is locked. */
export async function secondsLocked(sql: Sql, keys: ThrottleKey[], now: Date): Promise<number> {
  const [row] = await sql<{ until: Date | null }[]>`
    select max(locked_until) as until from login_failures
    where key in ${sql(keys.map((k) => k.key))} and locked_until > ${now}`
  return row?.until ? Math.ceil((row.until.getTime() - now.getTime()) / 1000) : 0
}

export async function recordFailure(sql: Sql, keys: ThrottleKey[], now: Date): Promise<void> {
  const forgetBefore = new Date(now.getTime() - THROTTLE.forgetAfterSeconds * 1000)
  await sql.begin(async (tx) => {
    for (const { key, threshold } of keys) {
      // Create the row first so that `for update` serialises concurrent failures on the same key.
      await tx`
        insert into login_failures (key, failures, last_failure_at) values (${key}, 0, ${now})
        on conflict (key) do nothing`
      const [row] = await tx<{ failures: number; last_failure_at: Date }[]>`
        select failures, last_failure_at from login_failures where key = ${key} for update`
      const failures = !row || row.last_failure_at < forgetBefore ? 1 : row.failures + 1
      const seconds = lockSeconds(failures, threshold)
      await tx`
        update login_failures
        set failures = ${failures}, last_failure_at = ${now},
            locked_until = ${seconds ? new Date(now.getTime() + seconds * 1000) : null}
        where key = ${key}`
    }
  })
}

/** A successful log-in clears the account's count (not the address's: one good account must not launder
 *  an address that is guessing at others). */
export async function clearAccountFailures(sql: Sql, email: string): Promise<void> {
  await sql`delete from login_failures where key = ${`account:${email}`}`
}
