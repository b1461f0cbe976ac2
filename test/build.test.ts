import { beforeAll, describe, expect, test } from 'bun:test'
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import type { AssetManifest } from '../src/http/asset-manifest.ts'
import { tempDir } from './helpers/config.ts'

const ROOT = join(import.meta.dir, '..')
const BUILD = join(ROOT, 'scripts/build.ts')
const FIXTURE = join(import.meta.dir, 'fixtures/web/index.html')

/** Runs scripts/build.ts as `bun run build…` would, in a child process: exit codes are the contract. */
async function script(args: string[]) {
  const child = Bun.spawn(['bun', BUILD, ...args], { cwd: ROOT, stdout: 'pipe', stderr: 'pipe' })
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ])
  return { code, stdout, stderr }
}

const outdir = join(tempDir('tally-build-'), 'dist')
let manifest: AssetManifest
let analyzeOutput: string
const sha384 = (bytes: Uint8Array) => new Bun.CryptoHasher('sha384').update(bytes).digest('base64')
const read = (dir: string, path: string) => readFileSync(join(dir, path))

beforeAll(async () => {
  const built = await script(['analyze', '--entry', FIXTURE, '--outdir', outdir])
  expect(built.stderr).toBe('')
  expect(built.code).toBe(0)
  analyzeOutput = built.stdout
  manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'))
})

describe('bun run build', () => {
  test('content-hashed names under assets/, index.html at the top', () => {
    const assets = readdirSync(join(outdir, 'assets')).filter((name) => !/\.(gz|br|map)$/.test(name))
    expect(assets.length).toBeGreaterThanOrEqual(3)
    for (const name of assets) expect(name).toMatch(/^[a-z-]+-[a-z0-9]{8}\.(js|css)$/)
    expect(Object.keys(manifest.files)).toContain('index.html')
  })

  test('index.html points at the hashed files by absolute URL, with SRI', async () => {
    const html = read(outdir, 'index.html').toString()
    const tags = [...html.matchAll(/<(script|link)\b[^>]*>/g)].map((match) => match[0])
    const local = tags.filter((tag) => /(src|href)="\/assets\//.test(tag))
    expect(local.length).toBe(2)
    for (const tag of local) {
      const url = /(?:src|href)="\/([^"]+)"/.exec(tag)?.[1] as string
      expect(tag).toContain(`integrity="sha384-${sha384(read(outdir, url))}"`)
      expect(tag).toContain('crossorigin')
    }
  })

  test('the lazy page is its own chunk, left out of the initial load', () => {
    const initial = manifest.initial
    expect(initial.some((path) => /^assets\/index-.*\.js$/.test(path))).toBe(true)
    expect(initial.some((path) => path.endsWith('.css'))).toBe(true)
    const report = Object.keys(manifest.files).find((path) => /^assets\/report-.*\.js$/.test(path))
    expect(report).toBeDefined()
    expect(initial).not.toContain(report)
    expect(manifest.files[report as string]?.initial).toBe(false)
    const entry = read(outdir, initial.find((path) => path.endsWith('.js')) as string).toString()
    expect(entry).toContain(`import("/${report}")`)
  })

  test('minified, with a separate source map per script and no sourceMappingURL comment', () => {
    for (const [path, file] of Object.entries(manifest.files)) {
      if (!path.endsWith('.js')) continue
      expect(file.map).toBe(`${path}.map`)
      expect(existsSync(join(outdir, `${path}.map`))).toBe(true)
      expect(manifest.files[`${path}.map`]?.sourcemap).toBe(true)
      const text = read(outdir, path).toString()
      expect(text).not.toContain('sourceMappingURL')
      expect(text.split('\n').length).toBeLessThan(10)
    }
  })

  test('the manifest records every file with its sizes and SHA-384', () => {
    for (const [path, file] of Object.entries(manifest.files)) {
      const bytes = read(outdir, path)
      expect(file.bytes).toBe(bytes.byteLength)
      expect(file.sha384).toBe(sha384(bytes))
      expect(file.gzip).toBeGreaterThan(0)
      expect(file.brotli).toBeGreaterThan(0)
      expect(file.immutable).toBe(path !== 'index.html')
    }
    expect(manifest.index).toBe('index.html')
    expect(manifest.buildId).toMatch(/^[0-9a-f]{16}$/)
  })

  test('text files of 1 KB or more have a .gz and a .br that restore them byte for byte', () => {
    let precompressed = 0
    for (const [path, file] of Object.entries(manifest.files)) {
      const bytes = read(outdir, path)
      expect(file.precompressed).toBe(bytes.byteLength >= 1024)
      expect(existsSync(join(outdir, `${path}.gz`))).toBe(file.precompressed)
      if (!file.precompressed) continue
      precompressed++
      const gz = read(outdir, `${path}.gz`)
      const br = read(outdir, `${path}.br`)
      expect(Buffer.compare(gunzipSync(gz), bytes)).toBe(0)
      expect(Buffer.compare(brotliDecompressSync(br), bytes)).toBe(0)
      expect(gz.byteLength).toBe(file.gzip)
      expect(br.byteLength).toBe(file.brotli)
    }
    expect(precompressed).toBeGreaterThanOrEqual(2)
  })

  test('a build of the same sources is byte-identical (same names, same hashes)', async () => {
    const again = join(tempDir('tally-build-again-'), 'dist')
    expect((await script(['--entry', FIXTURE, '--outdir', again])).code).toBe(0)
    const second = JSON.parse(readFileSync(join(again, 'manifest.json'), 'utf8')) as AssetManifest
    expect(second.files).toEqual(manifest.files)
  })
})

describe('bun run build:analyze', () => {
  test('prints chunk and module tables, largest first', () => {
    expect(analyzeOutput).toContain('Chunks (largest first)')
    expect(analyzeOutput).toContain('Modules (largest first')
    expect(analyzeOutput).toMatch(/node_modules\/preact\/dist\/preact\.mjs/)
    expect(analyzeOutput).toMatch(/Initial load \(2 files\): .* gzip, .* brotli/)
  })

  test('writes analyze.json and a self-contained analyze.html', () => {
    const analysis = JSON.parse(read(outdir, 'analyze.json').toString())
    const raws = analysis.chunks.map((chunk: { raw: number }) => chunk.raw)
    expect(raws).toEqual([...raws].sort((a, b) => b - a))
    expect(analysis.modules.length).toBeGreaterThanOrEqual(4)
    expect(analysis.modules[0]).toMatchObject({ module: expect.any(String), raw: expect.any(Number) })
    const html = read(outdir, 'analyze.html').toString()
    expect(html).toContain('class="map"')
    expect(html).toContain('preact.mjs')
    expect(html).not.toMatch(/<script|<link|https?:\/\//)
    // Neither file is part of the served build.
    expect(manifest.files['analyze.html']).toBeUndefined()
  })
})

describe('bun run build:check', () => {
  /** A private copy of the build to break. */
  const copy = () => {
    const dir = join(tempDir('tally-check-'), 'dist')
    cpSync(outdir, dir, { recursive: true })
    return dir
  }
  const entryScript = () => manifest.initial.find((path) => path.endsWith('.js')) as string
  const stylesheet = () => manifest.initial.find((path) => path.endsWith('.css')) as string

  test('passes on a fresh build and reports the initial load against the budgets', async () => {
    const result = await script(['check', '--outdir', outdir])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/initial JS\+CSS \(2 files\): .* gzip of 100\.0 KB, .* brotli of 35\.0 KB/)
    expect(result.stdout).toContain('build:check passed')
  })

  test('a file changed after the build', async () => {
    const dir = copy()
    writeFileSync(join(dir, entryScript()), `${read(dir, entryScript())};alert(1)`)
    const result = await script(['check', '--outdir', dir])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`✗ ${entryScript()}: content differs from manifest.json`)
    // …and the page's SRI no longer matches the file either.
    expect(result.stderr).toContain(`integrity of /${entryScript()} is`)
  })

  test('a file missing', async () => {
    const dir = copy()
    rmSync(join(dir, stylesheet()))
    const result = await script(['check', '--outdir', dir])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`✗ ${stylesheet()}: listed in manifest.json but missing`)
    expect(result.stderr).toContain(`index.html: references /${stylesheet()}, which is not in the build`)
  })

  test('a broken SRI attribute in index.html', async () => {
    const dir = copy()
    const html = read(dir, 'index.html').toString()
    const tampered = html.replace(/integrity="sha384-[^"]+"/, 'integrity="sha384-AAAA"')
    writeFileSync(join(dir, 'index.html'), tampered)
    const result = await script(['check', '--outdir', dir])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(
      /index\.html: integrity of \/assets\/\S+ is sha384-AAAA but the file's digest is sha384-/,
    )
  })

  test('a missing SRI attribute and a reference to a file that was never built', async () => {
    const dir = copy()
    const html = read(dir, 'index.html')
      .toString()
      .replace(/ integrity="sha384-[^"]+"/, '')
      .replace('</head>', '<script type="module" src="/assets/ghost-12345678.js"></script></head>')
    writeFileSync(join(dir, 'index.html'), html)
    const result = await script(['check', '--outdir', dir])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('has no integrity attribute (SRI)')
    expect(result.stderr).toContain('references /assets/ghost-12345678.js, which is not in the build')
  })

  test('a .br or .gz that does not restore its source', async () => {
    const dir = copy()
    const path = entryScript()
    writeFileSync(join(dir, `${path}.br`), read(dir, `${path}.map.br`))
    writeFileSync(join(dir, `${path}.map.gz`), 'not gzip at all')
    const result = await script(['check', '--outdir', dir])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`✗ ${path}.br: decompresses to something other than ${path}`)
    expect(result.stderr).toContain(`✗ ${path}.map.gz: does not decompress`)
  })

  test('budgets exceeded: each says by how much and where the budget lives', async () => {
    const brotli = await script(['check', '--outdir', outdir, '--brotli-budget', '2048'])
    expect(brotli.code).toBe(1)
    expect(brotli.stderr).toMatch(
      /✗ budget: the initial JS\+CSS is .* brotli, .* over the 2\.00 KB budget .*initialBrotliBytes/,
    )
    const gzip = await script(['check', '--outdir', outdir, '--gzip-budget', '4096'])
    expect(gzip.code).toBe(1)
    expect(gzip.stderr).toMatch(/✗ budget: the initial JS\+CSS is .* gzip, .* over the 4\.00 KB budget/)
  })

  test('a development build is refused', async () => {
    const dir = join(tempDir('tally-dev-'), 'dist')
    expect((await script(['--dev', '--entry', FIXTURE, '--outdir', dir])).code).toBe(0)
    const result = await script(['check', '--outdir', dir])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('holds a development build')
  })

  test('no build at all says what to run', async () => {
    const result = await script(['check', '--outdir', join(tempDir(), 'dist')])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('run bun run build')
  })
})

describe('bun run build:compress', () => {
  test('writes the .gz and .br of an existing build again', async () => {
    const dir = join(tempDir('tally-compress-'), 'dist')
    cpSync(outdir, dir, { recursive: true })
    for (const path of Object.keys(manifest.files)) {
      rmSync(join(dir, `${path}.gz`), { force: true })
      rmSync(join(dir, `${path}.br`), { force: true })
    }
    expect((await script(['check', '--outdir', dir])).code).toBe(1)
    const compressed = await script(['compress', '--outdir', dir])
    expect(compressed.code).toBe(0)
    expect(compressed.stdout).toMatch(/recompressed \d+ files/)
    expect((await script(['check', '--outdir', dir])).code).toBe(0)
  })

  test('fails clearly without a build', async () => {
    const result = await script(['compress', '--outdir', join(tempDir(), 'dist')])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('run bun run build first')
  })
})
