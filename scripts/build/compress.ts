import { join } from 'node:path'
import { describeFile, readManifest, writeManifest } from './manifest.ts'

/**
 * `bun run build:compress`: writes every .gz/.br of an existing dist/ again and records the new sizes.
 * Digests and flags stay as the build recorded them, so a file changed since is still caught by
 * build:check rather than blessed here.
 */
export async function recompress(outdir: string): Promise<number> {
  const manifest = await readManifest(outdir)
  for (const [path, entry] of Object.entries(manifest.files)) {
    if (!(await Bun.file(join(outdir, path)).exists()))
      throw new Error(`${path} is missing: run bun run build`)
    const fresh = await describeFile(outdir, path, { initial: entry.initial })
    manifest.files[path] = {
      ...entry,
      gzip: fresh.gzip,
      brotli: fresh.brotli,
      precompressed: fresh.precompressed,
    }
  }
  await writeManifest(outdir, manifest)
  return Object.values(manifest.files).filter((file) => file.precompressed).length
}
