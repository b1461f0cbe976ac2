/** Longest error text stored on a job or logged with it; the column allows 2000 as a backstop. */
export const MAX_ERROR_TEXT = 1000

/**
 * Credential shapes that must never reach the jobs table or the logs even when a caller forgets to
 * clean a message: Plaid tokens, bearer tokens, passwords in URLs, and long hex strings (keys).
 */
const SECRET_PATTERNS: readonly [RegExp, string][] = [
  [/\b(access|public|link|processor)-(sandbox|development|production)-[A-Za-z0-9-]+/g, '$1-[redacted]'],
  [/\bBearer\s+[A-Za-z0-9._~+/-]+=*/gi, 'Bearer [redacted]'],
  [/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]*@/gi, '$1:[redacted]@'],
  [/\b[0-9a-fA-F]{40,}\b/g, '[redacted]'],
]

/**
 * Error text fit to store and log: secret-shaped substrings replaced, control characters flattened,
 * and truncated. Callers are still expected to pass messages they built to be safe; this only catches
 * the mistakes a careless `String(error)` would make.
 */
export function safeErrorText(text: string, max = MAX_ERROR_TEXT): string {
  let safe = text
  for (const [pattern, replacement] of SECRET_PATTERNS) safe = safe.replace(pattern, replacement)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: flattening control characters is the point
  safe = safe.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()
  if (safe === '') return 'error without a message'
  return safe.length > max ? `${safe.slice(0, max - 1)}…` : safe
}

/** The message of whatever a handler threw, without its stack (stacks name files, never help users). */
export function describeThrown(error: unknown): string {
  if (error instanceof Error) {
    const name = error.name && error.name !== 'Error' ? `${error.name}: ` : ''
    return safeErrorText(`${name}${error.message}`)
  }
  return safeErrorText(typeof error === 'string' ? error : 'a non-Error value was thrown')
}
