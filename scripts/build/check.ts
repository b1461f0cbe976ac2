import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import type { AssetManifest } from '../../src/http/asset-manifest.ts'
import { extensionOf, formatBytes, localPath, sha384 } from './files.ts'
import { carriesIntegrity, referencesOf } from './html.ts'
import { MissingBuildError, readManifest } from './manifest.ts'

export interface Budgets {
  /** The plan's hard ceiling for the first page load's JS and CSS, gzipped. */
  initialGzipBytes: number
  /** The tighter budget the dashboard is held to, brotli-compressed. */
  initialBrotliBytes: number
  /** Where the numbers came from, for messages. */
  source: string
}

export interface CheckReport {
  failures: string[]
  notes: string[]
}

/**
 * Integrity (the manifest matches the files, every .gz/.br restores its source exactly, index.html
 * points only at files that exist with the right SRI digest) and budgets. Every problem is collected,
 * so one run shows them all.
 */
export async function checkBuild(outdir: string, budgets: Budgets): Promise<CheckReport> {
  const failures: string[] = []
  const notes: string[] = []
  let manifest: AssetManifest
  try {
    manifest = await readManifest(outdir)
  } catch (error) {
    if (error instanceof MissingBuildError) return { failures: [error.message], notes }
    return {
      failures: [`${join(outdir, 'manifest.json')} is not valid JSON: ${(error as Error).message}`],
      notes,
    }
  }

  const fix = 'run bun run build'
  if (manifest.dev)
    return {
      failures: [`${outdir} holds a development build (bun run dev): unminified and uncompressed; ${fix}`],
      notes,
    }
  const contents = new Map<string, Uint8Array>()
  for (const [path, entry] of Object.entries(manifest.files)) {
    const file = join(outdir, path)
    if (!existsSync(file)) {
      failures.push(`${path}: listed in manifest.json but missing from ${outdir} (${fix})`)
      continue
    }
    const bytes = readFileSync(file)
    contents.set(path, bytes)
    if (sha384(bytes) !== entry.sha384)
      failures.push(
        `${path}: content differs from manifest.json (sha384 ${sha384(bytes)}, expected ${entry.sha384}); the file changed after the build (${fix})`,
      )
    if (entry.precompressed)
      for (const suffix of ['.gz', '.br'])
        if (!existsSync(`${file}${suffix}`))
          failures.push(
            `${path}${suffix}: manifest.json says ${path} is precompressed but this file is missing (run bun run build:compress)`,
          )
  }

  for (const compressed of compressedFiles(outdir)) {
    const source = compressed.slice(0, -3)
    const original =
      contents.get(source) ??
      (existsSync(join(outdir, source)) ? readFileSync(join(outdir, source)) : undefined)
    if (!original) {
      failures.push(`${compressed}: no ${source} beside it to compare with (a leftover; run bun run build)`)
      continue
    }
    let restored: Uint8Array
    try {
      const packed = readFileSync(join(outdir, compressed))
      restored = compressed.endsWith('.gz') ? gunzipSync(packed) : brotliDecompressSync(packed)
    } catch (error) {
      failures.push(
        `${compressed}: does not decompress (${(error as Error).message}) (run bun run build:compress)`,
      )
      continue
    }
    if (Buffer.compare(Buffer.from(restored), Buffer.from(original)) !== 0)
      failures.push(
        `${compressed}: decompresses to something other than ${source} (run bun run build:compress)`,
      )
  }

  const index = contents.get(manifest.index)
  if (!index) failures.push(`${manifest.index}: the page itself is missing (${fix})`)
  else
    for (const reference of await referencesOf(new TextDecoder().decode(index))) {
      const path = localPath(reference.url)
      if (path === undefined) continue
      const bytes = contents.get(path)
      if (!manifest.files[path] || !bytes) {
        failures.push(`${manifest.index}: references ${reference.url}, which is not in the build (${fix})`)
        continue
      }
      if (!carriesIntegrity(reference)) continue
      const expected = `sha384-${sha384(bytes)}`
      if (!reference.integrity)
        failures.push(`${manifest.index}: ${reference.url} has no integrity attribute (SRI) (${fix})`)
      else if (reference.integrity !== expected)
        failures.push(
          `${manifest.index}: integrity of ${reference.url} is ${reference.integrity} but the file's digest is ${expected}; browsers would refuse it (${fix})`,
        )
    }

  for (const path of manifest.initial)
    if (!manifest.files[path])
      failures.push(`manifest.json: initial file ${path} is not among its files (${fix})`)
  const initial = manifest.initial
    .filter((path) => ['js', 'css'].includes(extensionOf(path)))
    .map((path) => ({ path, ...(manifest.files[path] ?? { gzip: 0, brotli: 0, bytes: 0 }) }))
  const gzip = initial.reduce((total, file) => total + file.gzip, 0)
  const brotli = initial.reduce((total, file) => total + file.brotli, 0)
  const largest = [...initial]
    .sort((a, b) => b.brotli - a.brotli)
    .slice(0, 3)
    .map((file) => `${file.path} ${formatBytes(file.gzip)} gzip / ${formatBytes(file.brotli)} brotli`)
    .join(', ')
  const budgetRule = (label: string, actual: number, limit: number, key: string) => {
    if (actual <= limit) return
    failures.push(
      `budget: the initial JS+CSS is ${formatBytes(actual)} ${label}, ${formatBytes(actual - limit)} over the ${formatBytes(limit)} budget (${budgets.source} ${key}); largest: ${largest}. See bun run build:analyze.`,
    )
  }
  budgetRule('gzip', gzip, budgets.initialGzipBytes, 'initialGzipBytes')
  budgetRule('brotli', brotli, budgets.initialBrotliBytes, 'initialBrotliBytes')
  notes.push(
    `initial JS+CSS (${initial.length} files): ${formatBytes(gzip)} gzip of ${formatBytes(budgets.initialGzipBytes)}, ${formatBytes(brotli)} brotli of ${formatBytes(budgets.initialBrotliBytes)}`,
    `${Object.keys(manifest.files).length} files checked against manifest.json`,
  )
  return { failures, notes }
}

function compressedFiles(outdir: string): string[] {
  const found: string[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (/\.(gz|br)$/.test(entry.name)) found.push(relative(outdir, path).split(sep).join('/'))
    }
  }
  walk(outdir)
  return found.sort()
}

/** Budgets from package.json's "tally": { "budgets": { … } }. */
export async function budgetsFrom(packageJson: string): Promise<Budgets> {
  const parsed = (await Bun.file(packageJson).json()) as { tally?: { budgets?: Partial<Budgets> } }
  const budgets = parsed.tally?.budgets
  if (typeof budgets?.initialGzipBytes !== 'number' || typeof budgets.initialBrotliBytes !== 'number')
    throw new Error(
      `${packageJson} has no "tally": { "budgets": { "initialGzipBytes", "initialBrotliBytes" } }`,
    )
  return {
    initialGzipBytes: budgets.initialGzipBytes,
    initialBrotliBytes: budgets.initialBrotliBytes,
    source: 'package.json tally.budgets.',
  }
}
