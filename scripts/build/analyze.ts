import { join } from 'node:path'
import type { AssetManifest } from '../../src/http/asset-manifest.ts'
import { extensionOf, formatBytes } from './files.ts'
import { renderTreemap } from './treemap.ts'

export interface ChunkRow {
  file: string
  raw: number
  gzip: number
  brotli: number
  initial: boolean
}

export interface ModuleRow {
  module: string
  chunk: string
  raw: number
  /** The chunk's gzip ratio applied to the module's share: modules are not compressed one by one. */
  gzipEstimate: number
}

export interface Analysis {
  chunks: ChunkRow[]
  modules: ModuleRow[]
  initial: { files: string[]; raw: number; gzip: number; brotli: number }
}

const normalise = (path: string) => path.replace(/^\.?\/+/, '')

/** Per-chunk sizes from the manifest and per-module sizes from Bun's metafile, largest first. */
export function analyse(manifest: AssetManifest, metafile: Bun.BuildMetafile): Analysis {
  const chunks: ChunkRow[] = Object.entries(manifest.files)
    .filter(([path, file]) => !file.sourcemap && ['js', 'css'].includes(extensionOf(path)))
    .map(([file, entry]) => ({
      file,
      raw: entry.bytes,
      gzip: entry.gzip,
      brotli: entry.brotli,
      initial: entry.initial,
    }))
    .sort((a, b) => b.raw - a.raw)
  const modules: ModuleRow[] = []
  for (const [outputPath, output] of Object.entries(metafile.outputs)) {
    const chunk = normalise(outputPath)
    const entry = manifest.files[chunk]
    if (!entry) continue
    const ratio = entry.bytes ? entry.gzip / entry.bytes : 0
    for (const [module, contribution] of Object.entries(output.inputs)) {
      if (contribution.bytesInOutput === 0) continue
      modules.push({
        module,
        chunk,
        raw: contribution.bytesInOutput,
        gzipEstimate: Math.round(contribution.bytesInOutput * ratio),
      })
    }
  }
  modules.sort((a, b) => b.raw - a.raw)
  const initialChunks = chunks.filter((chunk) => chunk.initial)
  const sum = (key: 'raw' | 'gzip' | 'brotli') =>
    initialChunks.reduce((total, chunk) => total + chunk[key], 0)
  return {
    chunks,
    modules,
    initial: {
      files: initialChunks.map((chunk) => chunk.file),
      raw: sum('raw'),
      gzip: sum('gzip'),
      brotli: sum('brotli'),
    },
  }
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  )
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ')
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n')
}

export function formatAnalysis(analysis: Analysis, moduleLimit = 30): string {
  const chunkTable = table(
    ['chunk', 'raw', 'gzip', 'brotli', 'load'],
    analysis.chunks.map((chunk) => [
      chunk.file,
      formatBytes(chunk.raw),
      formatBytes(chunk.gzip),
      formatBytes(chunk.brotli),
      chunk.initial ? 'initial' : 'lazy',
    ]),
  )
  const shown = analysis.modules.slice(0, moduleLimit)
  const moduleTable = table(
    ['module', 'raw', 'gzip (est.)', 'chunk'],
    shown.map((row) => [row.module, formatBytes(row.raw), formatBytes(row.gzipEstimate), row.chunk]),
  )
  const more = analysis.modules.length - shown.length
  const { initial } = analysis
  return [
    'Chunks (largest first)',
    chunkTable,
    '',
    `Modules (largest first${more > 0 ? `; ${more} smaller ones in analyze.json` : ''})`,
    moduleTable,
    '',
    `Initial load (${initial.files.length} files): ${formatBytes(initial.raw)} raw, ${formatBytes(initial.gzip)} gzip, ${formatBytes(initial.brotli)} brotli`,
  ].join('\n')
}

export async function writeAnalysis(outdir: string, analysis: Analysis): Promise<void> {
  await Bun.write(join(outdir, 'analyze.json'), `${JSON.stringify(analysis, null, 2)}\n`)
  await Bun.write(join(outdir, 'analyze.html'), renderTreemap(analysis))
}
