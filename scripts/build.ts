#!/usr/bin/env bun
// The dashboard's build pipeline (docs/BUILD.md):
//   bun scripts/build.ts [build|analyze|compress|check] [--entry src/web/index.html] [--outdir dist]
//                        [--dev] [--gzip-budget BYTES] [--brotli-budget BYTES] [--package package.json]
// `bun run build`, `build:analyze`, `build:compress` and `build:check` call it. Exit code 1 on failure.
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { analyse, formatAnalysis, writeAnalysis } from './build/analyze.ts'
import { BuildFailedError, bundle } from './build/bundle.ts'
import { budgetsFrom, checkBuild } from './build/check.ts'
import { recompress } from './build/compress.ts'
import { formatBytes } from './build/files.ts'
import { MissingBuildError } from './build/manifest.ts'

const root = join(import.meta.dir, '..')
const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: {
    entry: { type: 'string', default: join(root, 'src/web/index.html') },
    outdir: { type: 'string', default: join(root, 'dist') },
    dev: { type: 'boolean', default: false },
    package: { type: 'string', default: join(root, 'package.json') },
    'gzip-budget': { type: 'string' },
    'brotli-budget': { type: 'string' },
  },
})
const command = positionals[0] ?? 'build'
const { entry, outdir } = values

async function build(): Promise<number> {
  const started = performance.now()
  const { manifest, metafile } = await bundle({ entry, outdir, dev: values.dev })
  const initial = manifest.initial.map((path) => manifest.files[path])
  const sum = (key: 'gzip' | 'brotli') => initial.reduce((total, file) => total + (file?.[key] ?? 0), 0)
  console.log(
    `built ${Object.keys(manifest.files).length} files into ${outdir} in ${Math.round(performance.now() - started)} ms; initial load ${formatBytes(sum('gzip'))} gzip, ${formatBytes(sum('brotli'))} brotli`,
  )
  if (command === 'analyze') {
    const analysis = analyse(manifest, metafile)
    console.log(`\n${formatAnalysis(analysis)}\n`)
    await writeAnalysis(outdir, analysis)
    console.log(
      `wrote ${join(outdir, 'analyze.json')} and ${join(outdir, 'analyze.html')} (open it in a browser)`,
    )
  }
  return 0
}

async function check(): Promise<number> {
  const budgets = await budgetsFrom(values.package)
  const override = (flag: string | undefined, name: string) => {
    if (flag === undefined) return undefined
    const bytes = Number(flag)
    if (!Number.isInteger(bytes) || bytes <= 0)
      throw new Error(`--${name} must be a positive number of bytes`)
    return bytes
  }
  const gzip = override(values['gzip-budget'], 'gzip-budget')
  const brotli = override(values['brotli-budget'], 'brotli-budget')
  if (gzip !== undefined || brotli !== undefined)
    budgets.source = 'command line, overriding package.json tally.budgets.'
  if (gzip !== undefined) budgets.initialGzipBytes = gzip
  if (brotli !== undefined) budgets.initialBrotliBytes = brotli
  const report = await checkBuild(outdir, budgets)
  for (const note of report.notes) console.log(note)
  for (const failure of report.failures) console.error(`✗ ${failure}`)
  if (report.failures.length > 0) {
    console.error(`build:check failed: ${report.failures.length} problem(s) in ${outdir}`)
    return 1
  }
  console.log(`build:check passed: ${outdir} is intact and within budget`)
  return 0
}

const commands: Record<string, () => Promise<number>> = {
  build,
  analyze: build,
  check,
  compress: async () => {
    const count = await recompress(outdir)
    console.log(`recompressed ${count} files in ${outdir} (.gz level 9, .br quality 11)`)
    return 0
  },
}

const run = commands[command]
if (!run) {
  console.error(`unknown command ${command}: use build, analyze, compress or check`)
  process.exit(2)
}
try {
  process.exit(await run())
} catch (error) {
  if (error instanceof BuildFailedError || error instanceof MissingBuildError) console.error(error.message)
  else console.error(error)
  process.exit(1)
}
