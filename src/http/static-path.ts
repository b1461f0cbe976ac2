/**
 * Decides what a request path names. Files are found by exact lookup in the manifest's map, never by
 * joining the path onto a folder, so traversal cannot reach the file system; this check exists so that
 * anything that even looks like traversal (in any spelling: encoded, double-encoded, backslashes, NUL)
 * is refused with a 404 instead of falling back to the dashboard page with a 200.
 */
export type StaticPath = { kind: 'suspicious' } | { kind: 'path'; path: string }

/** Percent-decoding is repeated this often, so %252e%252e (double-encoded "..") is seen for what it is. */
const DECODE_ROUNDS = 3

export function classifyPath(pathname: string): StaticPath {
  let decoded = pathname
  for (let round = 0; round <= DECODE_ROUNDS; round++) {
    if (looksLikeTraversal(decoded)) return { kind: 'suspicious' }
    if (!decoded.includes('%')) return { kind: 'path', path: decoded }
    try {
      decoded = decodeURIComponent(decoded)
    } catch {
      return { kind: 'suspicious' }
    }
  }
  // Still encoded after several rounds: nothing legitimate is spelled like that.
  return { kind: 'suspicious' }
}

function looksLikeTraversal(path: string): boolean {
  if (path.includes('\\') || path.includes('//')) return true
  // NUL and other control characters never appear in a real URL path.
  for (let i = 0; i < path.length; i++)
    if (path.charCodeAt(i) < 0x20 || path.charCodeAt(i) === 0x7f) return true
  return path.split('/').some((segment) => segment === '..' || segment === '.')
}

/** The manifest key a path would have: no leading slash. */
export const assetKey = (path: string) => path.replace(/^\/+/, '')
