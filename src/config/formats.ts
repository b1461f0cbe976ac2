import { FormatRegistry } from '@sinclair/typebox'

/** Parses an absolute http(s) URL, or returns undefined. */
export function parseHttpUrl(value: string): URL | undefined {
  if (!URL.canParse(value)) return undefined
  const url = new URL(value)
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined
}

/** An origin as browsers send it: scheme, host and optional port; a trailing slash is tolerated. */
export function isHttpOrigin(value: string): boolean {
  const url = parseHttpUrl(value)
  return (
    url !== undefined &&
    (url.pathname === '/' || url.pathname === '') &&
    url.search === '' &&
    url.hash === '' &&
    url.username === '' &&
    url.password === '' &&
    !value.includes('?') &&
    !value.includes('#')
  )
}

export function isPostgresUrl(value: string): boolean {
  if (!URL.canParse(value)) return false
  const url = new URL(value)
  return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== ''
}

FormatRegistry.Set('http-url', (value) => parseHttpUrl(value) !== undefined)
FormatRegistry.Set('http-origin', isHttpOrigin)
FormatRegistry.Set('postgres-url', isPostgresUrl)
