#!/usr/bin/env bun
// `bun run dev`: the server under `bun --watch` (restarts when a server file changes) and the dashboard
// rebuilt into dist/ whenever a file under src/web changes. The development build adds a small script
// that reloads the page after either (src/http/dev-reload.ts). Needs no configuration.
import { existsSync, type FSWatcher, watch } from 'node:fs'
import { join, resolve } from 'node:path'
import { BuildFailedError, bundle } from './build/bundle.ts'

const root = join(import.meta.dir, '..')
const web = join(root, 'src/web')
const entry = join(web, 'index.html')
const outdir = resolve(root, process.env.STATIC_DIR || 'dist')
const DEBOUNCE_MS = 60

// The server starts at once so /health answers quickly; it notices the build when manifest.json appears.
const server = Bun.spawn(['bun', '--watch', 'src/main.ts', 'serve'], {
  cwd: root,
  env: { ...process.env, NODE_ENV: process.env.NODE_ENV || 'development' },
  stdio: ['inherit', 'inherit', 'inherit'],
})

let running: Promise<void> | undefined
let again = false

/** One build at a time; changes made during a build cause exactly one more. */
function rebuild(): void {
  if (running) {
    again = true
    return
  }
  running = (async () => {
    const started = performance.now()
    try {
      const { manifest } = await bundle({ entry, outdir, dev: true })
      const ms = Math.round(performance.now() - started)
      console.log(
        `[dev] dashboard built in ${ms} ms (${Object.keys(manifest.files).length} files, build ${manifest.buildId})`,
      )
    } catch (error) {
      // Keep serving the last good build; the next save tries again.
      console.error(
        `[dev] dashboard build failed:\n${error instanceof BuildFailedError ? error.message : error}`,
      )
    }
  })().finally(() => {
    running = undefined
    if (again) {
      again = false
      rebuild()
    }
  })
}

let watcher: FSWatcher | undefined
if (existsSync(entry)) {
  rebuild()
  let timer: ReturnType<typeof setTimeout> | undefined
  watcher = watch(web, { recursive: true }, () => {
    clearTimeout(timer)
    timer = setTimeout(rebuild, DEBOUNCE_MS)
  })
} else {
  console.warn(`[dev] ${entry} does not exist: serving the API only`)
}

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    watcher?.close()
    server.kill(signal)
  })

const code = await server.exited
watcher?.close()
process.exit(code)
