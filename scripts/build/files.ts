import { readdirSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

/** Text files this size or larger get a .gz and a .br; below it the saving does not pay for a file. */
export const MIN_PRECOMPRESS_BYTES = 1024

const TEXT_EXTENSIONS = new Set([
  'html',
  'js',
  'mjs',
  'css',
  'map',
  'json',
  'svg',
  'txt',
  'xml',
  'webmanifest',
])

export const extensionOf = (path: string) => path.slice(path.lastIndexOf('.') + 1).toLowerCase()
export const isText = (path: string) => TEXT_EXTENSIONS.has(extensionOf(path))
export const shouldPrecompress = (path: string, bytes: number) =>
  isText(path) && bytes >= MIN_PRECOMPRESS_BYTES

export const gzip = (bytes: Uint8Array) => gzipSync(bytes, { level: 9 })

export const brotli = (bytes: Uint8Array) =>
  brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
    },
  })

/** Base64 SHA-384: the digest SRI `integrity` attributes carry. */
export const sha384 = (bytes: Uint8Array) => new Bun.CryptoHasher('sha384').update(bytes).digest('base64')

/**
 * The web build's own files in dist/, as manifest paths: index.html and everything under assets/,
 * without the .gz/.br beside them. Anything else in dist/ (the compiled binary, the analysis, the
 * manifest itself) is not part of the dashboard and is never served.
 */
export function webFiles(outdir: string): string[] {
  const found: string[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (!/\.(gz|br)$/.test(entry.name)) found.push(relative(outdir, path).split(sep).join('/'))
    }
  }
  try {
    walk(join(outdir, 'assets'))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  return ['index.html', ...found.sort()]
}

/** A URL in index.html ("/assets/x.js", "./assets/x.js") as a manifest path, or undefined if not local. */
export function localPath(url: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//')) return undefined
  return url.split(/[?#]/)[0]?.replace(/^\.?\/+/, '')
}

export const formatBytes = (bytes: number) =>
  bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(bytes < 10240 ? 2 : 1)} KB`
