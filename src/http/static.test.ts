import { describe, expect, test } from 'bun:test'
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib'
import { Elysia } from 'elysia'
import { createLogger } from '../logger.ts'
import type { AssetManifest, ManifestFile } from './asset-manifest.ts'
import { negotiateEncoding } from './content-encoding.ts'
import { problemDetails } from './problem.ts'
import { requestContext } from './request-context.ts'
import { staticRoutes } from './static.ts'
import { createStaticAssets, type EmbeddedFile, type StaticAssets } from './static-assets.ts'
import { classifyPath } from './static-path.ts'

const encoder = new TextEncoder()
const sha384 = (bytes: Uint8Array) => new Bun.CryptoHasher('sha384').update(bytes).digest('base64')

/** A tiny build held in memory, the way the compiled binary will hand its embedded files over. */
function embeddedBuild(): { manifest: AssetManifest; files: Map<string, EmbeddedFile> } {
  const sources: Record<string, { text: string; precompress: boolean; map?: string }> = {
    'index.html': {
      text: '<!doctype html><title>Tally</title><script type="module" src="/assets/main-aaaa1111.js"></script>',
      precompress: false,
    },
    'assets/main-aaaa1111.js': {
      text: `console.log(${JSON.stringify('x'.repeat(2000))})`,
      precompress: true,
      map: 'assets/main-aaaa1111.js.map',
    },
    'assets/main-aaaa1111.js.map': { text: '{"version":3,"sources":[],"mappings":""}', precompress: false },
    'assets/style-bbbb2222.css': { text: 'body{margin:0}', precompress: false },
  }
  const files = new Map<string, EmbeddedFile>()
  const entries: Record<string, ManifestFile> = {}
  for (const [path, source] of Object.entries(sources)) {
    const body = encoder.encode(source.text) as Uint8Array<ArrayBuffer>
    const gz = new Uint8Array(gzipSync(body))
    const br = new Uint8Array(brotliCompressSync(body))
    files.set(path, { body, ...(source.precompress ? { gz, br } : {}) })
    entries[path] = {
      bytes: body.byteLength,
      gzip: gz.byteLength,
      brotli: br.byteLength,
      sha384: sha384(body),
      precompressed: source.precompress,
      immutable: path !== 'index.html',
      initial: path.startsWith('assets/main'),
      sourcemap: path.endsWith('.map'),
      ...(source.map ? { map: source.map } : {}),
    }
  }
  return {
    manifest: {
      version: 1,
      buildId: 'fixture',
      index: 'index.html',
      initial: ['assets/main-aaaa1111.js'],
      files: entries,
    },
    files,
  }
}

function appServing(assets: StaticAssets, sourcemapsPublic = false) {
  return new Elysia()
    .use(requestContext)
    .use(problemDetails(createLogger({ level: 'fatal', format: 'json' })))
    .get('/api/ping', () => ({ pong: true }))
    .get('/health', () => ({ status: 'pass' }))
    .use(staticRoutes(assets, { SOURCEMAPS_PUBLIC: sourcemapsPublic }))
}

const build = embeddedBuild()
const app = appServing(createStaticAssets({ kind: 'embedded', ...build }))
const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  app.handle(new Request(`http://localhost${path}`, { method, headers }))
const JS = '/assets/main-aaaa1111.js'
const jsBody = build.files.get('assets/main-aaaa1111.js')?.body as Uint8Array<ArrayBuffer>

describe('encoding negotiation', () => {
  const both = ['br', 'gzip'] as const
  test.each([
    ['gzip, deflate, br, zstd', 'br'],
    ['br;q=0, gzip', 'gzip'],
    ['br;q=0.5, gzip;q=0.8', 'gzip'],
    ['gzip;q=0.5, br;q=0.5', 'br'],
    ['*', 'br'],
    ['*;q=0.1, br;q=0', 'gzip'],
    ['identity', 'identity'],
    ['', 'identity'],
    ['deflate', 'identity'],
    ['br;q=0, gzip;q=0', 'identity'],
    ['*;q=0', 'identity'],
    ['GZIP', 'gzip'],
    ['x-gzip', 'gzip'],
    ['gzip;q=0.2, identity;q=0.5', 'identity'],
  ])('%p → %s', (header, expected) => {
    expect(negotiateEncoding(header, both)).toBe(expected as never)
  })

  test('only encodings that exist for the file are chosen', () => {
    expect(negotiateEncoding('br, gzip', ['gzip'])).toBe('gzip')
    expect(negotiateEncoding('br', [])).toBe('identity')
    expect(negotiateEncoding(null, both)).toBe('identity')
  })
})

describe('serving files', () => {
  test('brotli when offered, with Content-Encoding, Vary and a charset', async () => {
    const response = await get(JS, { 'accept-encoding': 'gzip, br' })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-encoding')).toBe('br')
    expect(response.headers.get('vary')).toBe('Accept-Encoding')
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(response.headers.get('x-request-id')).toBeTruthy()
    expect(new Uint8Array(brotliDecompressSync(new Uint8Array(await response.arrayBuffer())))).toEqual(jsBody)
  })

  test('gzip when brotli is refused with q=0', async () => {
    const response = await get(JS, { 'accept-encoding': 'br;q=0, gzip;q=0.8' })
    expect(response.headers.get('content-encoding')).toBe('gzip')
    expect(new Uint8Array(gunzipSync(new Uint8Array(await response.arrayBuffer())))).toEqual(jsBody)
  })

  test('identity without Accept-Encoding, and for files too small to precompress', async () => {
    const plain = await get(JS)
    expect(plain.headers.get('content-encoding')).toBeNull()
    expect(new Uint8Array(await plain.arrayBuffer())).toEqual(jsBody)
    const small = await get('/assets/style-bbbb2222.css', { 'accept-encoding': 'br, gzip' })
    expect(small.headers.get('content-encoding')).toBeNull()
    expect(small.headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect(await small.text()).toBe('body{margin:0}')
  })

  test('strong ETags per encoding; If-None-Match answers 304 without a body', async () => {
    const br = await get(JS, { 'accept-encoding': 'br' })
    const identity = await get(JS)
    const tag = br.headers.get('etag') as string
    expect(tag).toMatch(/^"[A-Za-z0-9_-]+-br"$/)
    expect(identity.headers.get('etag')).toBe(tag.replace('-br"', '"'))
    for (const header of [tag, `W/${tag}`, `"other", ${identity.headers.get('etag')}`, '*']) {
      const again = await get(JS, { 'accept-encoding': 'br', 'if-none-match': header })
      expect(again.status).toBe(304)
      expect(await again.text()).toBe('')
      expect(again.headers.get('etag')).toBe(tag)
      expect(again.headers.get('cache-control')).toContain('immutable')
    }
    expect((await get(JS, { 'if-none-match': '"stale"' })).status).toBe(200)
  })

  test('HEAD has the headers of GET and no body', async () => {
    const response = await get(JS, { 'accept-encoding': 'gzip' }, 'HEAD')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-encoding')).toBe('gzip')
    expect(response.headers.get('etag')).toMatch(/-gz"$/)
    expect(await response.text()).toBe('')
  })

  test('index.html is revalidated every time', async () => {
    for (const path of ['/', '/index.html']) {
      const response = await get(path)
      expect(response.status).toBe(200)
      expect(response.headers.get('cache-control')).toBe('no-cache')
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(await response.text()).toContain('<title>Tally</title>')
    }
  })
})

describe('the dashboard for client-side routes', () => {
  const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }

  test('navigations outside the server paths get index.html', async () => {
    for (const path of ['/transactions', '/accounts/123', '/settings/'])
      expect(await (await get(path, html)).text()).toContain('<title>Tally</title>')
  })

  test('requests that are not navigations, and missing files, are 404 problems', async () => {
    for (const [path, headers] of [
      ['/transactions', { accept: 'application/json' }],
      ['/assets/missing-12345678.js', html],
      ['/favicon.ico', html],
      ['/robots.txt', {}],
    ] as const) {
      const response = await get(path, headers)
      expect(response.status).toBe(404)
      expect(response.headers.get('content-type')).toBe('application/problem+json')
    }
  })

  test('unknown /api, /health and /metrics paths stay API 404s even for browsers', async () => {
    for (const path of ['/api/unknown', '/api', '/health/nope', '/metrics', '/metrics/x']) {
      const response = await get(path, html)
      expect(response.status).toBe(404)
      expect((await response.json()).code).toBe('NOT_FOUND')
    }
    expect(await (await get('/api/ping')).json()).toEqual({ pong: true })
    // Only the exact prefixes: a client route that merely starts with the letters is the dashboard.
    expect((await get('/apiary', html)).status).toBe(200)
  })

  test('the manifest and anything not built are never served', async () => {
    for (const path of ['/manifest.json', '/analyze.html', '/tally', '/assets/main-aaaa1111.js.gz'])
      expect((await get(path)).status).toBe(404)
  })
})

describe('path traversal in any spelling is a 404', () => {
  const spellings = [
    '/assets/%2e%2e/manifest.json',
    '/assets/..%2fmanifest.json',
    '/assets/..%2Fmanifest.json',
    '/assets/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/assets/%252e%252e/manifest.json',
    '/assets/%252e%252e%252fmanifest.json',
    '/assets/%25252e%25252e/x',
    '/assets/..%5cmanifest.json',
    '/assets/..%5Cmanifest.json',
    '/assets/%5c..%5c..%5cetc%5cpasswd',
    '/assets/main-aaaa1111.js%00.html',
    '/assets/main-aaaa1111.js%2500',
    '/index.html%00',
    '/%c0%ae%c0%ae/etc/passwd',
    '/assets/%c0%2e%c0%2e/x',
    '/assets/.%2e/manifest.json',
    '/..%2f..%2fetc%2fpasswd',
    '//etc/passwd',
  ]
  test.each(spellings)('%s', async (path) => {
    for (const headers of [{}, { accept: 'text/html' }] as Record<string, string>[]) {
      const response = await get(path, headers)
      expect(response.status).toBe(404)
      expect(response.headers.get('content-type')).toBe('application/problem+json')
    }
  })

  test('dot segments, even percent-encoded, are resolved by URL parsing before any route sees them', async () => {
    // /assets/%2E%2E/%2E%2E/etc/passwd *is* /etc/passwd (WHATWG URL): a navigation there gets the
    // dashboard page like any client route, anything else a 404; no file outside the build either way.
    const path = '/assets/%2E%2E/%2E%2E/etc/passwd'
    expect(new URL(`http://localhost${path}`).pathname).toBe('/etc/passwd')
    expect((await get(path)).status).toBe(404)
    expect(await (await get(path, { accept: 'text/html' })).text()).toContain('<title>Tally</title>')
    expect(new URL('http://localhost/assets/%2e/main-aaaa1111.js').pathname).toBe(JS)
  })

  test('the classifier itself', () => {
    expect(classifyPath('/assets/main-aaaa1111.js')).toEqual({
      kind: 'path',
      path: '/assets/main-aaaa1111.js',
    })
    expect(classifyPath('/caf%C3%A9')).toEqual({ kind: 'path', path: '/café' })
    expect(classifyPath('/a\\..\\b').kind).toBe('suspicious')
    expect(classifyPath('/a/\u0000').kind).toBe('suspicious')
    expect(classifyPath('/a/%ZZ').kind).toBe('suspicious')
  })
})

describe('source maps', () => {
  test('hidden by default, and not pointed at', async () => {
    expect((await get('/assets/main-aaaa1111.js.map')).status).toBe(404)
    expect((await get(JS)).headers.get('sourcemap')).toBeNull()
  })

  test('served and named in a SourceMap header with SOURCEMAPS_PUBLIC=true', async () => {
    const open = appServing(createStaticAssets({ kind: 'embedded', ...embeddedBuild() }), true)
    const handle = (path: string) => open.handle(new Request(`http://localhost${path}`))
    expect((await handle(JS)).headers.get('sourcemap')).toBe('/assets/main-aaaa1111.js.map')
    const map = await handle('/assets/main-aaaa1111.js.map')
    expect(map.status).toBe(200)
    expect(map.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect((await map.json()).version).toBe(3)
  })
})

describe('without a build', () => {
  const bare = appServing(createStaticAssets({ kind: 'directory', dir: '/nonexistent/tally-dist' }))
  const handle = (path: string, headers: Record<string, string> = {}) =>
    bare.handle(new Request(`http://localhost${path}`, { headers }))

  test('the dashboard answers 503 FRONTEND_NOT_BUILT saying what to run; the API still works', async () => {
    for (const path of ['/', '/transactions']) {
      const response = await handle(path, { accept: 'text/html' })
      expect(response.status).toBe(503)
      const problem = await response.json()
      expect(problem.code).toBe('FRONTEND_NOT_BUILT')
      expect(problem.detail).toContain('bun run build')
    }
    // Files and non-page requests are simply not there: 404, as with a build.
    expect((await handle('/assets/main-aaaa1111.js', { accept: 'text/html' })).status).toBe(404)
    expect((await handle('/no/such/thing')).status).toBe(404)
    expect(await (await handle('/api/ping')).json()).toEqual({ pong: true })
    expect((await handle('/api/unknown')).status).toBe(404)
  })

  test('an embedded build that does not match its manifest is refused at start-up', () => {
    const broken = embeddedBuild()
    broken.files.delete('assets/style-bbbb2222.css')
    expect(() => createStaticAssets({ kind: 'embedded', ...broken })).toThrow(/style-bbbb2222\.css/)
    const unsafe = embeddedBuild()
    unsafe.manifest.files['../secret'] = unsafe.manifest.files['index.html'] as ManifestFile
    expect(() => createStaticAssets({ kind: 'embedded', ...unsafe })).toThrow(/unsafe path/)
  })
})
