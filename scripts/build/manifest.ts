import { existsSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { type AssetManifest, MANIFEST_FILE, type ManifestFile } from '../../src/http/asset-manifest.ts'
import { brotli, gzip, sha384, shouldPrecompress } from './files.ts'

/**
 * Hashes every file, measures it gzipped and brotli-compressed, and writes the .gz/.br beside the
 * text files of 1 KB or more (removing stale ones beside smaller files).
 */
export async function describeFile(
  outdir: string,
  path: string,
  flags: { initial: boolean; map?: string; compress?: boolean },
): Promise<ManifestFile> {
  const bytes = await Bun.file(join(outdir, path)).bytes()
  const compress = flags.compress ?? true
  const gzipped = compress ? gzip(bytes) : new Uint8Array()
  const brotlied = compress ? brotli(bytes) : new Uint8Array()
  const precompressed = compress && shouldPrecompress(path, bytes.byteLength)
  if (precompressed) {
    await Bun.write(join(outdir, `${path}.gz`), gzipped)
    await Bun.write(join(outdir, `${path}.br`), brotlied)
  } else {
    rmSync(join(outdir, `${path}.gz`), { force: true })
    rmSync(join(outdir, `${path}.br`), { force: true })
  }
  return {
    bytes: bytes.byteLength,
    gzip: gzipped.byteLength,
    brotli: brotlied.byteLength,
    sha384: sha384(bytes),
    precompressed,
    immutable: path !== 'index.html',
    initial: flags.initial,
    sourcemap: path.endsWith('.map'),
    ...(flags.map ? { map: flags.map } : {}),
  }
}

/** `dev` skips compression: brotli at quality 11 would make every save in `bun run dev` wait. */
export async function createManifest(
  outdir: string,
  paths: string[],
  initial: string[],
  dev = false,
): Promise<AssetManifest> {
  const files: Record<string, ManifestFile> = {}
  const listed = new Set(paths)
  await Promise.all(
    paths.map(async (path) => {
      const map = `${path}.map`
      files[path] = await describeFile(outdir, path, {
        initial: initial.includes(path),
        compress: !dev,
        ...(listed.has(map) ? { map } : {}),
      })
    }),
  )
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)))
  return {
    version: 1,
    buildId: buildIdOf(sorted),
    index: 'index.html',
    initial: initial.filter((path) => listed.has(path)),
    files: sorted,
    ...(dev ? { dev: true as const } : {}),
  }
}

export const buildIdOf = (files: Record<string, ManifestFile>) =>
  new Bun.CryptoHasher('sha256')
    .update(
      Object.entries(files)
        .map(([path, file]) => `${path}:${file.sha384}`)
        .join('\n'),
    )
    .digest('hex')
    .slice(0, 16)

/** Written last and by rename: a server that sees a new manifest sees a complete build. */
export async function writeManifest(outdir: string, manifest: AssetManifest): Promise<void> {
  const temporary = join(outdir, `.${MANIFEST_FILE}.${process.pid}.tmp`)
  await Bun.write(temporary, `${JSON.stringify(manifest, null, 2)}\n`)
  renameSync(temporary, join(outdir, MANIFEST_FILE))
}

export class MissingBuildError extends Error {}

export async function readManifest(outdir: string): Promise<AssetManifest> {
  const path = join(outdir, MANIFEST_FILE)
  if (!existsSync(path)) throw new MissingBuildError(`${path} does not exist: run bun run build first`)
  return (await Bun.file(path).json()) as AssetManifest
}
