import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { type AssetManifest, MANIFEST_FILE, type ManifestFile } from './asset-manifest.ts'

/** One servable file, with its precompressed variants when the build made them. */
export interface Asset {
  path: string
  body: Uint8Array<ArrayBuffer>
  gz?: Uint8Array<ArrayBuffer>
  br?: Uint8Array<ArrayBuffer>
  contentType: string
  /** Strong validator of the identity bytes; each encoding appends its own suffix. */
  etag: string
  immutable: boolean
  sourcemap: boolean
  /** URL path of this file's source map, if it has one. */
  map?: string
}

export interface EmbeddedFile {
  body: Uint8Array<ArrayBuffer>
  gz?: Uint8Array<ArrayBuffer>
  br?: Uint8Array<ArrayBuffer>
}

/**
 * Where the built dashboard comes from: dist/ on disk (development, `bun run start`), or the files the
 * compile step embeds in the binary (production), keyed by manifest path.
 */
export type StaticSource =
  | { kind: 'directory'; dir: string }
  | { kind: 'embedded'; manifest: AssetManifest; files: ReadonlyMap<string, EmbeddedFile> }

export type AssetState =
  | { status: 'ready'; buildId: string; index: Asset; files: ReadonlyMap<string, Asset> }
  | { status: 'missing'; detail: string }

export interface StaticAssets {
  /** The current build; in directory mode re-read whenever dist/manifest.json changes (a rebuild). */
  current(): AssetState
}

export function createStaticAssets(source: StaticSource): StaticAssets {
  if (source.kind === 'embedded') {
    const state = assetsFromManifest(source.manifest, (path) => source.files.get(path))
    return { current: () => state }
  }
  return directoryAssets(source.dir)
}

/**
 * Reads dist/ lazily and again after each rebuild (the manifest is written last, by rename, so a new
 * manifest means a complete build). A stat per request is the whole cost of noticing.
 */
function directoryAssets(dir: string): StaticAssets {
  const manifestPath = join(dir, MANIFEST_FILE)
  let loadedFrom: string | undefined
  let state: AssetState = notBuilt(dir)
  return {
    current() {
      let modified: string
      try {
        // The inode changes with every rename, so even two builds within one clock tick are told apart.
        const stats = statSync(manifestPath)
        modified = `${stats.ino}:${stats.mtimeMs}:${stats.size}`
      } catch {
        loadedFrom = undefined
        state = notBuilt(dir)
        return state
      }
      if (modified !== loadedFrom) {
        loadedFrom = modified
        state = loadDirectory(dir, manifestPath)
      }
      return state
    },
  }
}

function notBuilt(dir: string): AssetState {
  return {
    status: 'missing',
    detail: `The dashboard has not been built (no ${join(dir, MANIFEST_FILE)}): run bun run build.`,
  }
}

function loadDirectory(dir: string, manifestPath: string): AssetState {
  try {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as AssetManifest
    const read = (path: string) => readFileSync(join(dir, path))
    return assetsFromManifest(manifest, (path, entry) => ({
      body: read(path),
      ...(entry.precompressed ? { gz: read(`${path}.gz`), br: read(`${path}.br`) } : {}),
    }))
  } catch (error) {
    return {
      status: 'missing',
      detail: `The dashboard build in ${dir} is incomplete or unreadable (${(error as Error).message}): run bun run build.`,
    }
  }
}

/** Manifest paths are plain relative names; anything else means a corrupt manifest, not a file to serve. */
const SAFE_PATH = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/

function assetsFromManifest(
  manifest: AssetManifest,
  fileOf: (path: string, entry: ManifestFile) => EmbeddedFile | undefined,
): AssetState {
  const files = new Map<string, Asset>()
  for (const [path, entry] of Object.entries(manifest.files)) {
    if (!SAFE_PATH.test(path)) throw new Error(`unsafe path in the asset manifest: ${JSON.stringify(path)}`)
    const file = fileOf(path, entry)
    if (!file) throw new Error(`${path} is in the manifest but was not provided`)
    const digest = entry.sha384.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
    files.set(path, {
      path,
      body: file.body,
      ...(file.gz ? { gz: file.gz } : {}),
      ...(file.br ? { br: file.br } : {}),
      contentType: contentTypeOf(path),
      etag: digest.slice(0, 32),
      immutable: entry.immutable,
      sourcemap: entry.sourcemap,
      ...(entry.map ? { map: `/${entry.map}` } : {}),
    })
  }
  const index = files.get(manifest.index)
  if (!index) throw new Error(`the manifest's index ${manifest.index} is not among its files`)
  return { status: 'ready', buildId: manifest.buildId, index, files }
}

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  map: 'application/json; charset=utf-8',
  json: 'application/json; charset=utf-8',
  webmanifest: 'application/manifest+json; charset=utf-8',
  svg: 'image/svg+xml; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  avif: 'image/avif',
  ico: 'image/x-icon',
  woff2: 'font/woff2',
  woff: 'font/woff',
}

export function contentTypeOf(path: string): string {
  const extension = path.slice(path.lastIndexOf('.') + 1).toLowerCase()
  return CONTENT_TYPES[extension] ?? 'application/octet-stream'
}
