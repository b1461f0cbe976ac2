import { Elysia } from 'elysia'
import type { Config } from '../config/index.ts'
import { AppError } from '../errors.ts'
import { type Encoding, negotiateEncoding } from './content-encoding.ts'
import type { Asset, StaticAssets } from './static-assets.ts'
import { assetKey, classifyPath } from './static-path.ts'

/** Paths that belong to the server: an unknown one there is an API 404, never the dashboard page. */
const SERVER_PREFIXES = ['/api', '/health', '/metrics', '/__dev']

const ONE_YEAR = 31_536_000

/**
 * Serves the built dashboard through Elysia's normal lifecycle, so every hook (request id, security
 * headers, logging) applies; Bun's HTML-import routes would bypass them. Mount it last: its wildcard
 * only answers what no other route matched.
 */
export function staticRoutes(assets: StaticAssets, config: Pick<Config, 'SOURCEMAPS_PUBLIC'>) {
  return new Elysia({ name: 'tally/static' }).get('/*', ({ request }) => {
    const pathname = new URL(request.url).pathname
    const isServerPath = SERVER_PREFIXES.some(
      (prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`),
    )
    const classified = classifyPath(pathname)
    if (isServerPath || classified.kind === 'suspicious') throw notFound(request)

    const wantsPage = pathname === '/' || (isNavigation(request) && !looksLikeFile(classified.path))
    const state = assets.current()
    if (state.status === 'missing') {
      // Only a request for the dashboard page learns that it is missing; anything else is just absent.
      if (wantsPage) throw new AppError('unavailable', 'FRONTEND_NOT_BUILT', state.detail)
      throw notFound(request)
    }

    const asset = state.files.get(assetKey(classified.path))
    const visible = asset && (!asset.sourcemap || config.SOURCEMAPS_PUBLIC)
    if (visible) return respond(request, asset, config.SOURCEMAPS_PUBLIC)
    if (wantsPage) return respond(request, state.index, config.SOURCEMAPS_PUBLIC)
    throw notFound(request)
  })
}

const notFound = (request: Request) =>
  new AppError('not_found', 'NOT_FOUND', `Nothing here: ${request.method} ${new URL(request.url).pathname}`)

/** A browser loading a page (typing a URL, following a link, reloading a client-side route). */
function isNavigation(request: Request): boolean {
  return (request.headers.get('accept') ?? '').toLowerCase().includes('text/html')
}

/** /assets/… and names with an extension are files: a missing one is a 404, not the dashboard. */
function looksLikeFile(path: string): boolean {
  const last = path.slice(path.lastIndexOf('/') + 1)
  return path.startsWith('/assets/') || last.includes('.')
}

function respond(request: Request, asset: Asset, sourcemapsPublic: boolean): Response {
  const available: Encoding[] = []
  if (asset.br) available.push('br')
  if (asset.gz) available.push('gzip')
  const encoding = negotiateEncoding(request.headers.get('accept-encoding'), available)
  const etag = `"${asset.etag}${encoding === 'br' ? '-br' : encoding === 'gzip' ? '-gz' : ''}"`
  const headers = new Headers({
    'content-type': asset.contentType,
    'cache-control': asset.immutable ? `public, max-age=${ONE_YEAR}, immutable` : 'no-cache',
    etag,
    vary: 'Accept-Encoding',
    'x-content-type-options': 'nosniff',
  })
  if (asset.map && sourcemapsPublic) headers.set('sourcemap', asset.map)
  if (matches(request.headers.get('if-none-match'), asset.etag))
    return new Response(null, { status: 304, headers })
  const body = encoding === 'br' ? asset.br : encoding === 'gzip' ? asset.gz : asset.body
  if (encoding !== 'identity') headers.set('content-encoding', encoding)
  return new Response(body ?? asset.body, { headers })
}

/**
 * If-None-Match uses weak comparison (RFC 9110 §13.1.2). Any encoding's tag of the same bytes counts:
 * the cache asking holds a valid copy of this file, whichever encoding it stored.
 */
function matches(header: string | null, etag: string): boolean {
  if (!header) return false
  if (header.trim() === '*') return true
  return header.split(',').some((candidate) => {
    const opaque = candidate.trim().replace(/^W\//, '')
    return opaque === `"${etag}"` || opaque === `"${etag}-br"` || opaque === `"${etag}-gz"`
  })
}
