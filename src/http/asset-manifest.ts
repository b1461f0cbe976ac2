/**
 * dist/manifest.json: what `bun run build` produced. The build writes it and `build:check` verifies it;
 * the server reads it to decide what may be served at all, so a file is public only by being listed.
 * Paths are relative to dist/ with forward slashes ("index.html", "assets/main-1a2b3c4d.js").
 */
export interface AssetManifest {
  version: 1
  /** Changes whenever any file changes; the development live reload compares it. */
  buildId: string
  /** The page served at / and for client-side routes. */
  index: string
  /** What the first page load fetches: index.html's scripts and stylesheets and their static imports. */
  initial: string[]
  files: Record<string, ManifestFile>
  /** A development build (`bun run dev`): unminified and not compressed; build:check refuses it. */
  dev?: true
}

export interface ManifestFile {
  bytes: number
  /** Size gzipped at level 9 and with brotli at quality 11, whether or not a .gz/.br was written (0 in a development build). */
  gzip: number
  brotli: number
  /** Base64 SHA-384 of the raw bytes: the SRI digest, and the basis of the ETag. */
  sha384: string
  /** A .gz and a .br sit beside the file (text files of 1 KB or more). */
  precompressed: boolean
  /** The name carries a content hash, so it may be cached forever. */
  immutable: boolean
  initial: boolean
  /** This file is a source map; served only when SOURCEMAPS_PUBLIC=true. */
  sourcemap: boolean
  /** The source map of this file, if it has one. */
  map?: string
}

export const MANIFEST_FILE = 'manifest.json'
