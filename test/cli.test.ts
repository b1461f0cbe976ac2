import { describe, expect, test } from 'bun:test'
import { TEST_ENCRYPTION_KEY, tempDir } from './helpers/config.ts'
import { runTally } from './helpers/process.ts'

describe('tally (the CLI) as a real process', () => {
  test('a bad production environment exits 78 and names every problem without printing secrets', async () => {
    const result = await runTally([], {
      NODE_ENV: 'production',
      PORT: '70000',
      ENCRYPTION_KEY: 'xyz-secret-material',
      PLAID_SECRET: 'leaky secret!',
      PLAID_SECERT: 'typo',
    })
    expect(result.code).toBe(78)
    for (const name of [
      'PORT',
      'ENCRYPTION_KEY',
      'DATABASE_URL',
      'PUBLIC_URL',
      'PLAID_SECRET',
      'PLAID_CLIENT_ID',
    ])
      expect(result.stderr).toContain(`✗ ${name} `)
    expect(result.stderr).toContain('did you mean PLAID_SECRET?')
    expect(result.stderr).not.toContain('xyz-secret-material')
    expect(result.stderr).not.toContain('leaky secret!')
    expect(result.stderr).not.toMatch(/\bat .+\.ts:\d+/) // no stack trace
    expect(result.stdout).toBe('')
  })

  test('check-env prints the effective configuration with secrets redacted', async () => {
    const dataDir = tempDir()
    const result = await runTally(['check-env'], {
      DATA_DIR: dataDir,
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      DATABASE_URL: 'postgres://tally:pa55word@db.internal/tally',
      PORT: '4321',
    })
    expect(result.code).toBe(0)
    const printed = JSON.parse(result.stdout)
    expect(printed).toMatchObject({
      PORT: 4321,
      ENCRYPTION_KEY: '<redacted>',
      DATABASE_URL: '<redacted>',
      PLAID_ENV: 'simulator',
    })
    expect(result.stdout + result.stderr).not.toContain(TEST_ENCRYPTION_KEY)
    expect(result.stdout + result.stderr).not.toContain('pa55word')
  })

  test('check-env exits 78 on a bad environment', async () => {
    const result = await runTally(['check-env'], { LOG_LEVEL: 'loud', DATA_DIR: tempDir() })
    expect(result.code).toBe(78)
    expect(result.stderr).toContain('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace')
  })

  test('check-env does not create the development key', async () => {
    const dataDir = tempDir()
    expect((await runTally(['check-env'], { DATA_DIR: dataDir })).code).toBe(0)
    expect(await Bun.file(`${dataDir}/encryption.key`).exists()).toBe(false)
  })

  test('unknown commands and stray arguments print usage and exit 2', async () => {
    for (const args of [['serv'], ['migrate', '--force']]) {
      const result = await runTally(args, {})
      expect(result.code).toBe(2)
      expect(result.stderr).toContain('Usage: tally [command]')
    }
  })

  test('--help prints usage and exits 0', async () => {
    const result = await runTally(['--help'], {})
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('check-env')
  })
})
