import { expect, test } from 'bun:test'
import { join } from 'node:path'
import { Glob } from 'bun'

const root = join(import.meta.dir, '..')

/** Every problem `code` the server can answer with, read from the source (the simulator speaks Plaid's). */
async function codesInSource(): Promise<Set<string>> {
  const codes = new Set<string>()
  for await (const path of new Glob('src/**/*.ts').scan(root)) {
    if (path.includes('/simulator/') || path.endsWith('.test.ts')) continue
    const text = await Bun.file(join(root, path)).text()
    for (const match of text.matchAll(/new AppError\(\s*'[a-z_]+',\s*'([A-Z][A-Z0-9_]+)'/g))
      codes.add(match[1] as string)
    if (path.startsWith('src/http/'))
      for (const match of text.matchAll(/\bcode: '([A-Z][A-Z0-9_]*[A-Z0-9])'/g)) codes.add(match[1] as string)
  }
  return codes
}

test('docs/API.md lists every error code the API can return', async () => {
  const codes = await codesInSource()
  expect(codes.size).toBeGreaterThan(15)
  const doc = await Bun.file(join(root, 'docs/API.md')).text()
  const documented = new Set([...doc.matchAll(/\| `([A-Z][A-Z0-9_]+)` *\|/g)].map((m) => m[1]))
  const missing = [...codes].filter((code) => !documented.has(code)).sort()
  expect(missing).toEqual([])
})
