/**
 * /transactions/sync cursors. Opaque to clients like Plaid's, but each names a position in the
 * item's change log: changes after version `from`, as of version `snapshot` (pinned while paging),
 * resuming at log `position`. A MAC stops a forged or corrupted cursor from reading another item.
 */
export type SyncCursor = {
  readonly serial: number
  readonly from: number
  readonly snapshot: number
  readonly position: number
  /** Account index for account-scoped sync (`options.account_id`), or -1. */
  readonly account: number
}

export type CursorCodec = {
  encode(cursor: SyncCursor): string
  decode(text: string): SyncCursor | null
}

export function createCursorCodec(key: Uint8Array = crypto.getRandomValues(new Uint8Array(32))): CursorCodec {
  const mac = (text: string) =>
    new Bun.CryptoHasher('sha256', key).update(text).digest('base64url').slice(0, 16)
  return {
    encode(cursor) {
      const text = [cursor.serial, cursor.from, cursor.snapshot, cursor.position, cursor.account].join('.')
      return Buffer.from(`${text}.${mac(text)}`).toString('base64url')
    },
    decode(encoded) {
      if (!/^[A-Za-z0-9_-]{1,200}$/.test(encoded)) return null
      const parts = Buffer.from(encoded, 'base64url').toString('utf8').split('.')
      if (parts.length !== 6) return null
      const signature = parts.pop()
      const text = parts.join('.')
      if (signature !== mac(text)) return null
      const [serial, from, snapshot, position, account] = parts.map(Number) as [
        number,
        number,
        number,
        number,
        number,
      ]
      if (![serial, from, snapshot, position, account].every(Number.isSafeInteger)) return null
      if (from > snapshot) return null
      return { serial, from, snapshot, position, account }
    },
  }
}
