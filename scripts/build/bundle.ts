import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import type { AssetManifest } from '../../src/http/asset-manifest.ts'
import { sha384, webFiles } from './files.ts'
import { addIntegrity, appendToHead, referencesOf } from './html.ts'
import { initialFiles } from './initial.ts'
import { createManifest, writeManifest } from './manifest.ts'

export interface BundleOptions {
  /** The dashboard's index.html; its scripts and stylesheets are the entry points. */
  entry: string
  outdir: string
  /** Development build: unminified, JSX dev runtime, and the live-reload script. */
  dev?: boolean
}

export interface Bundle {
  manifest: AssetManifest
  metafile: Bun.BuildMetafile
}

export class BuildFailedError extends Error {}

/**
 * The browser build of the dashboard, straight into outdir: hashed, minified, code-split, with source
 * maps beside the scripts (no sourceMappingURL comment; the server names them in a SourceMap header
 * only when SOURCEMAPS_PUBLIC=true), then SRI, precompression and the manifest.
 */
export async function bundle({ entry, outdir, dev = false }: BundleOptions): Promise<Bundle> {
  cleanOutputs(outdir)
  const result = await Bun.build({
    entrypoints: [resolve(entry)],
    root: dirname(resolve(entry)),
    outdir,
    target: 'browser',
    format: 'esm',
    splitting: true,
    minify: !dev,
    sourcemap: 'external',
    metafile: true,
    // Absolute URLs: index.html is also served for client-side routes such as /transactions/123.
    publicPath: '/',
    naming: {
      entry: '[dir]/[name].[ext]',
      chunk: 'assets/[name]-[hash].[ext]',
      asset: 'assets/[name]-[hash].[ext]',
    },
    define: { 'process.env.NODE_ENV': JSON.stringify(dev ? 'development' : 'production') },
    jsx: { development: dev },
    throw: false,
  })
  if (!result.success || !result.metafile)
    throw new BuildFailedError(result.logs.map((log) => String(log)).join('\n') || 'Bun.build failed')

  const indexPath = join(outdir, 'index.html')
  let html = await Bun.file(indexPath).text()
  if (dev) html = await appendToHead(html, await writeDevReloadClient(outdir))
  // Synchronous reads: HTMLRewriter's handlers cannot wait, and the files are small.
  const built = new Set(webFiles(outdir))
  html = await addIntegrity(html, (path) =>
    built.has(path) ? sha384(readFileSync(join(outdir, path))) : undefined,
  )
  await Bun.write(indexPath, html)

  const initial = initialFiles(await referencesOf(html), result.metafile.outputs)
  const manifest = await createManifest(outdir, webFiles(outdir), initial, dev)
  await writeManifest(outdir, manifest)
  return { manifest, metafile: result.metafile }
}

/**
 * Removes the previous web build (never the compiled binary, which also lives in dist/). The old
 * manifest stays until the new one replaces it, so a running server keeps serving the old build from
 * memory meanwhile instead of flickering to "not built".
 */
function cleanOutputs(outdir: string) {
  mkdirSync(outdir, { recursive: true })
  for (const name of ['index.html', 'index.html.gz', 'index.html.br', 'assets'])
    rmSync(join(outdir, name), { recursive: true, force: true })
  for (const name of ['analyze.json', 'analyze.html']) rmSync(join(outdir, name), { force: true })
}

/**
 * Reloads the page when the server announces a new build or a restart (src/http/dev-reload.ts). An
 * external file, not an inline script, so a Content-Security-Policy without 'unsafe-inline' allows it.
 */
const DEV_RELOAD_CLIENT = `// Development only: reload after a rebuild or a server restart.
let seen
const events = new EventSource('/__dev/reload')
events.addEventListener('version', (event) => {
  // ":none" is a server between builds: wait for the build rather than reload into an error page.
  if (event.data.endsWith(':none')) return
  if (seen !== undefined && seen !== event.data) location.reload()
  seen = event.data
})
`

async function writeDevReloadClient(outdir: string): Promise<string> {
  const hash = new Bun.CryptoHasher('sha256').update(DEV_RELOAD_CLIENT).digest('hex').slice(0, 8)
  const path = `assets/dev-reload-${hash}.js`
  await Bun.write(join(outdir, path), DEV_RELOAD_CLIENT)
  return `<script type="module" src="/${path}"></script>`
}
