import { t } from 'elysia'
import { AppError } from '../errors.ts'

/** `?cursor=&limit=` on every list route. */
export const PageQuery = t.Object({
  cursor: t.Optional(t.String({ maxLength: 512, description: 'nextCursor from the previous page' })),
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 200, default: 50 })),
})

/**
 * Cursors are opaque to clients (base64url of a JSON array of the last row's sort key), so the sort
 * key can change without breaking clients that only echo them back.
 */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url')
}

/** The answer to a cursor the API did not issue (or that no longer matches the list's shape). */
export function invalidCursor(): AppError {
  return new AppError(
    'invalid',
    'INVALID_CURSOR',
    'The cursor is not one this API issued; start again without it.',
    {
      errors: [{ in: 'query', path: '/cursor', message: 'Expected a nextCursor value from a previous page' }],
    },
  )
}

export function decodeCursor<const Kinds extends readonly ('string' | 'number')[]>(
  cursor: string,
  kinds: Kinds,
): { [K in keyof Kinds]: Kinds[K] extends 'string' ? string : number } {
  let key: unknown
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    key = undefined
  }
  if (!Array.isArray(key) || key.length !== kinds.length || key.some((part, i) => typeof part !== kinds[i]))
    throw invalidCursor()
  return key as never
}
