import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Config, loadConfig, type RawEnv } from '../../src/config/index.ts'

export const TEST_ENCRYPTION_KEY = 'a1'.repeat(32)

export function tempDir(prefix = 'tally-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** A valid test configuration with its own DATA_DIR; overrides are environment variables as text. */
export function testConfig(overrides: RawEnv = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'fatal',
    LOG_FORMAT: 'json',
    DATA_DIR: tempDir(),
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    // No dashboard build unless a test brings one: results must not depend on a dist/ left lying around.
    STATIC_DIR: join(tmpdir(), 'tally-test-no-dist'),
    ...overrides,
  }).config
}
