import { expect, test } from 'bun:test'
import { join } from 'node:path'
import { renderEnvExample, renderEnvironmentDoc } from '../scripts/env-docs.ts'
import { loadConfig } from '../src/config/index.ts'
import { VARIABLE_NAMES } from '../src/config/schema.ts'
import { tempDir } from './helpers/config.ts'

const root = join(import.meta.dir, '..')
const committed = (path: string) => Bun.file(join(root, path)).text()

test('.env.example is what `bun run docs:env` generates from the schema', async () => {
  expect(await committed('.env.example')).toBe(renderEnvExample())
})

test('docs/ENVIRONMENT.md is what `bun run docs:env` generates from the schema', async () => {
  expect(await committed('docs/ENVIRONMENT.md')).toBe(renderEnvironmentDoc())
})

test('both documents mention every variable', () => {
  for (const name of VARIABLE_NAMES) {
    expect(renderEnvExample()).toContain(`# ${name}=`)
    expect(renderEnvironmentDoc()).toContain(`### ${name}\n`)
  }
})

test('.env.example holds no secret values, and uncommented it is a valid development configuration', () => {
  const env: Record<string, string> = {}
  for (const line of renderEnvExample().split('\n')) {
    const match = /^# ([A-Z_]+)=(.*)$/.exec(line)
    if (match) env[match[1] as string] = match[2] as string
  }
  for (const secret of ['ENCRYPTION_KEY', 'PLAID_SECRET', 'DATABASE_URL']) expect(env[secret]).toBe('')
  expect(Object.keys(env).sort()).toEqual([...VARIABLE_NAMES].sort())
  const { config } = loadConfig({ ...env, PLAID_CLIENT_ID: '', PLAID_ENV: '', DATA_DIR: tempDir() })
  expect(config.NODE_ENV).toBe('development')
})
