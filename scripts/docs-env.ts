#!/usr/bin/env bun
// `bun run docs:env`: regenerates .env.example and docs/ENVIRONMENT.md from the configuration schema.
// `--check` only compares, exiting 1 when a committed file is out of date.
import { join } from 'node:path'
import { renderEnvExample, renderEnvironmentDoc } from './env-docs.ts'

const root = join(import.meta.dir, '..')
const files = { '.env.example': renderEnvExample(), 'docs/ENVIRONMENT.md': renderEnvironmentDoc() }
const check = process.argv.includes('--check')
let stale = 0
for (const [path, text] of Object.entries(files)) {
  const file = Bun.file(join(root, path))
  const current = (await file.exists()) ? await file.text() : ''
  if (current === text) continue
  if (check) {
    stale++
    console.error(`${path} is out of date: run bun run docs:env`)
  } else {
    await Bun.write(file, text)
    console.log(`wrote ${path}`)
  }
}
process.exit(stale ? 1 : 0)
