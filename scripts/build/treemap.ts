import type { Analysis } from './analyze.ts'
import { formatBytes } from './files.ts'

interface Rect {
  x: number
  y: number
  w: number
  h: number
}

const WIDTH = 1200
const HEIGHT = 720
const LABEL = 18

/** Worst aspect ratio of a row of areas laid along a side of this length (squarified treemaps, Bruls et al.). */
function worst(row: number[], side: number): number {
  const total = row.reduce((a, b) => a + b, 0)
  const max = Math.max(...row)
  const min = Math.min(...row)
  return Math.max((side * side * max) / (total * total), (total * total) / (side * side * min))
}

/** Rectangles for values (largest first) filling rect, each as close to square as the row allows. */
export function squarify(values: number[], rect: Rect): Rect[] {
  const total = values.reduce((a, b) => a + b, 0)
  if (total <= 0 || rect.w <= 0 || rect.h <= 0) return values.map(() => ({ ...rect, w: 0, h: 0 }))
  const areas = values.map((value) => (value * rect.w * rect.h) / total)
  const result: Rect[] = []
  let { x, y, w, h } = rect
  let i = 0
  while (i < areas.length) {
    const side = Math.min(w, h)
    const row = [areas[i] as number]
    let j = i + 1
    while (j < areas.length && worst([...row, areas[j] as number], side) <= worst(row, side))
      row.push(areas[j++] as number)
    const thickness = row.reduce((a, b) => a + b, 0) / side
    let offset = 0
    for (const area of row) {
      const length = area / thickness
      result.push(
        w >= h
          ? { x, y: y + offset, w: thickness, h: length }
          : { x: x + offset, y, w: length, h: thickness },
      )
      offset += length
    }
    if (w >= h) {
      x += thickness
      w -= thickness
    } else {
      y += thickness
      h -= thickness
    }
    i = j
  }
  return result
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  )

/** One colour per package (or per source folder), so a library spread over chunks is easy to spot. */
function colourOf(module: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(module)
  const group = match ? match[1] : module.split('/').slice(0, -1).join('/')
  let hash = 0
  for (const char of group ?? '') hash = (hash * 31 + char.charCodeAt(0)) >>> 0
  return `hsl(${hash % 360} 55% ${match ? 72 : 82}%)`
}

const box = (r: Rect) =>
  `left:${r.x.toFixed(1)}px;top:${r.y.toFixed(1)}px;width:${Math.max(0, r.w).toFixed(1)}px;height:${Math.max(0, r.h).toFixed(1)}px`

/** A self-contained page (no scripts, no network): chunks as boxes, modules inside, area = raw bytes. */
export function renderTreemap(analysis: Analysis): string {
  const chunks = analysis.chunks.filter((chunk) => chunk.raw > 0)
  const chunkRects = squarify(
    chunks.map((chunk) => chunk.raw),
    { x: 0, y: 0, w: WIDTH, h: HEIGHT },
  )
  const parts: string[] = []
  chunks.forEach((chunk, index) => {
    const rect = chunkRects[index] as Rect
    const title = `${chunk.file}\n${formatBytes(chunk.raw)} raw · ${formatBytes(chunk.gzip)} gzip · ${formatBytes(chunk.brotli)} brotli · ${chunk.initial ? 'initial load' : 'lazy'}`
    parts.push(
      `<div class="chunk${chunk.initial ? ' initial' : ''}" style="${box(rect)}" title="${escapeHtml(title)}"><span>${escapeHtml(chunk.file)} · ${formatBytes(chunk.gzip)} gz</span></div>`,
    )
    const modules = analysis.modules.filter((module) => module.chunk === chunk.file)
    const inner = { x: rect.x + 2, y: rect.y + LABEL, w: rect.w - 4, h: rect.h - LABEL - 2 }
    squarify(
      modules.map((module) => module.raw),
      inner,
    ).forEach((moduleRect, i) => {
      const module = modules[i]
      if (!module || moduleRect.w < 1 || moduleRect.h < 1) return
      const label =
        moduleRect.w > 60 && moduleRect.h > 14 ? escapeHtml(module.module.split('/').slice(-2).join('/')) : ''
      parts.push(
        `<div class="module" style="${box(moduleRect)};background:${colourOf(module.module)}" title="${escapeHtml(`${module.module}\n${formatBytes(module.raw)} raw · ~${formatBytes(module.gzipEstimate)} gzip\nin ${chunk.file}`)}">${label}</div>`,
      )
    })
  })
  const { initial } = analysis
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Tally dashboard bundle</title>
<style>
body { font: 13px system-ui, sans-serif; margin: 16px; color: #1b1f24; }
.map { position: relative; width: ${WIDTH}px; height: ${HEIGHT}px; background: #f3f4f6; }
.chunk { position: absolute; box-sizing: border-box; border: 2px solid #9ca3af; background: #e5e7eb; overflow: hidden; }
.chunk.initial { border-color: #1d4ed8; }
.chunk span { display: block; height: ${LABEL}px; padding: 0 4px; font-weight: 600; white-space: nowrap; overflow: hidden; }
.module { position: absolute; box-sizing: border-box; border: 1px solid rgb(255 255 255 / 70%); font-size: 11px; padding: 1px 3px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
</style>
</head>
<body>
<h1>Dashboard bundle</h1>
<p>Area is raw (minified) bytes. Blue-bordered chunks are fetched on the first page load; grey ones are lazy pages.
Hover a box for its sizes. Initial load: ${formatBytes(initial.raw)} raw, ${formatBytes(initial.gzip)} gzip, ${formatBytes(initial.brotli)} brotli.</p>
<div class="map">
${parts.join('\n')}
</div>
</body>
</html>
`
}
