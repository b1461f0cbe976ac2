import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const DEV_KEY_FILE = 'encryption.key'
const KEY_PATTERN = /^[0-9a-f]{64}$/i

export type DevKey = { key: string; path: string; created: boolean } | { error: string; path: string }

/**
 * Outside production only: the encryption key kept in DATA_DIR so that `bun run dev` works with no
 * configuration and data encrypted yesterday can still be read today. Created once with mode 0600;
 * the exclusive create ('wx') means two processes starting together agree on one key.
 */
export function loadOrCreateDevKey(dataDir: string): DevKey {
  const path = join(dataDir, DEV_KEY_FILE)
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    try {
      writeFileSync(path, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 })
      chmodSync(path, 0o600)
      return { key: readKey(path), path, created: true }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const key = readKey(path)
    if (!KEY_PATTERN.test(key)) return { error: `${path} does not hold 64 hexadecimal characters`, path }
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600)
    return { key, path, created: false }
  } catch (error) {
    return { error: `cannot read or create ${path}: ${(error as Error).message}`, path }
  }
}

const readKey = (path: string) => readFileSync(path, 'utf8').trim()
