import { type ErrorCode, isItemStateError } from './errors.ts'

/** Sandbox's test users; every other username fails like a wrong password. */
const USERS: Readonly<Record<string, string | null>> = {
  user_good: 'pass_good',
  // Sandbox's dynamic-transactions user accepts any password.
  user_transactions_dynamic: null,
}

const ERROR_PASSWORD = /^error_([A-Z_]+)$/

/** Null when the bank accepts the login; otherwise the error Link (and Plaid) report. */
export function checkBankLogin(username: string, password: string): ErrorCode | null {
  const forced = ERROR_PASSWORD.exec(password)
  if (forced) {
    const code = forced[1] ?? ''
    return isItemStateError(code) ? code : 'INVALID_CREDENTIALS'
  }
  if (!Object.hasOwn(USERS, username)) return 'INVALID_CREDENTIALS'
  const expected = USERS[username]
  if (expected !== null && expected !== password) return 'INVALID_CREDENTIALS'
  return null
}
