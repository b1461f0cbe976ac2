import { describe, expect, test } from 'bun:test'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { TEST_ENCRYPTION_KEY, tempDir } from '../../test/helpers/config.ts'
import { ConfigError } from './errors.ts'
import { loadConfig, type RawEnv } from './load.ts'
import { VARIABLE_NAMES } from './schema.ts'

const base = (): RawEnv => ({ DATA_DIR: tempDir(), ENCRYPTION_KEY: TEST_ENCRYPTION_KEY })
const production = (): RawEnv => ({
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://tally:pw@db:5432/tally',
  ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
  PUBLIC_URL: 'https://tally.example.com',
  PLAID_CLIENT_ID: 'client_1234567',
  PLAID_SECRET: 'secret_1234567',
})

function problemsOf(env: RawEnv): ConfigError {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('expected a ConfigError')
}

/** Valid and invalid spellings of every variable, and what a valid one becomes. */
const cases: Record<string, { valid: [string, unknown][]; invalid: string[] }> = {
  NODE_ENV: {
    valid: [
      ['development', 'development'],
      ['test', 'test'],
    ],
    invalid: ['prod', 'DEVELOPMENT'],
  },
  HOST: {
    valid: [
      ['0.0.0.0', '0.0.0.0'],
      ['::1', '::1'],
      ['localhost', 'localhost'],
    ],
    invalid: ['local host', 'a/b'],
  },
  PORT: {
    valid: [
      ['1', 1],
      ['65535', 65535],
      [' 8080 ', 8080],
    ],
    invalid: ['0', '65536', '70000', '-1', '80.5', '3000abc', '1e3'],
  },
  PUBLIC_URL: {
    valid: [
      ['http://localhost:3000', 'http://localhost:3000'],
      ['https://tally.example.com/', 'https://tally.example.com/'],
    ],
    invalid: [
      'localhost:3000',
      'ftp://x.example',
      'https://x.example/app',
      'https://x.example?a=1',
      'https://u:p@x.example',
    ],
  },
  CORS_ORIGINS: {
    valid: [['https://a.example, https://b.example:8443', ['https://a.example', 'https://b.example:8443']]],
    invalid: ['https://a.example,not-an-origin', 'https://a.example/path'],
  },
  SHUTDOWN_TIMEOUT_MS: {
    valid: [
      ['0', 0],
      ['120000', 120000],
    ],
    invalid: ['-5', '120001', 'soon'],
  },
  TRUST_PROXY: {
    valid: [
      ['0', 0],
      ['2', 2],
    ],
    invalid: ['-1', '11', 'yes'],
  },
  SIGNUPS: {
    valid: [
      ['closed', 'closed'],
      ['first-user', 'first-user'],
    ],
    invalid: ['invite', 'OPEN'],
  },
  SESSION_IDLE_TIMEOUT_MINUTES: {
    valid: [
      ['1', 1],
      ['43200', 43200],
    ],
    invalid: ['0', '43201', '30m'],
  },
  SESSION_ABSOLUTE_TIMEOUT_HOURS: {
    valid: [
      ['1', 1],
      ['8760', 8760],
    ],
    invalid: ['0', '8761'],
  },
  LOG_LEVEL: {
    valid: [
      ['fatal', 'fatal'],
      ['trace', 'trace'],
    ],
    invalid: ['verbose', 'INFO'],
  },
  LOG_FORMAT: {
    valid: [
      ['json', 'json'],
      ['pretty', 'pretty'],
    ],
    invalid: ['text'],
  },
  DATABASE_URL: {
    valid: [['postgresql://u@db/x?sslmode=require', 'postgresql://u@db/x?sslmode=require']],
    invalid: ['mysql://db/x', 'postgres://', 'db:5432'],
  },
  DATABASE_POOL_MAX: {
    valid: [
      ['1', 1],
      ['100', 100],
    ],
    invalid: ['0', '101', 'many'],
  },
  DATABASE_CONNECT_TIMEOUT_S: {
    valid: [
      ['1', 1],
      ['120', 120],
    ],
    invalid: ['0', '121'],
  },
  DATABASE_STATEMENT_TIMEOUT_MS: {
    valid: [
      ['0', 0],
      ['3600000', 3600000],
    ],
    invalid: ['-1', '3600001'],
  },
  DATA_DIR: { valid: [['/var/lib/tally', '/var/lib/tally']], invalid: [] },
  ENCRYPTION_KEY: {
    valid: [['AB'.repeat(32), 'AB'.repeat(32)]],
    invalid: ['xyz', 'ab'.repeat(31), 'ab'.repeat(33), 'zz'.repeat(32)],
  },
  ENCRYPTION_KEY_PREVIOUS: { valid: [['cd'.repeat(32), 'cd'.repeat(32)]], invalid: ['xyz', 'ab'.repeat(31)] },
  WORKER_CONCURRENCY: {
    valid: [
      ['0', 0],
      ['32', 32],
    ],
    invalid: ['-1', '33', 'many'],
  },
  SYNC_INTERVAL: {
    valid: [
      ['6h', 21600],
      ['30m', 1800],
      ['1d', 86400],
      ['90', 90],
      ['7d', 604800],
    ],
    invalid: ['59s', '8d', '6 hours', '1.5h', 'h'],
  },
  PLAID_CLIENT_NAME: { valid: [['Family Finances', 'Family Finances']], invalid: ['x'.repeat(31)] },
  PLAID_COUNTRY_CODES: { valid: [['US, CA', ['US', 'CA']]], invalid: ['usa', 'us', ','] },
  PLAID_LANGUAGE: { valid: [['fr', 'fr']], invalid: ['english'] },
  PLAID_ENV: { valid: [['simulator', 'simulator']], invalid: ['development', 'live'] },
  PLAID_CLIENT_ID: { valid: [], invalid: ['short', 'has spaces in it'] },
  PLAID_SECRET: { valid: [], invalid: ['short', 'bad!chars!here'] },
  PLAID_SIMULATOR_URL: {
    valid: [['http://127.0.0.1:4010', 'http://127.0.0.1:4010']],
    invalid: ['127.0.0.1:4010', 'ws://x'],
  },
  PLAID_SIMULATOR_SEED: {
    valid: [
      ['0', 0],
      ['2147483647', 2147483647],
    ],
    invalid: ['-1', '2147483648', 'seed'],
  },
  PLAID_ALLOW_SIMULATOR_IN_PRODUCTION: {
    valid: [
      ['true', true],
      ['0', false],
      ['YES', true],
    ],
    invalid: ['maybe'],
  },
  STATIC_DIR: { valid: [['/opt/tally/dist', '/opt/tally/dist']], invalid: [] },
  SOURCEMAPS_PUBLIC: {
    valid: [
      ['true', true],
      ['off', false],
    ],
    invalid: ['public'],
  },
}

describe('every variable', () => {
  test('has a case here, so a new variable cannot go untested', () => {
    expect(Object.keys(cases).sort()).toEqual([...VARIABLE_NAMES].sort())
  })

  for (const [name, { valid, invalid }] of Object.entries(cases)) {
    for (const [text, expected] of valid)
      test(`${name}=${JSON.stringify(text)} is accepted`, () => {
        const { config } = loadConfig({ ...base(), [name]: text })
        expect(config[name as keyof typeof config] as unknown).toEqual(expected)
      })
    for (const text of invalid)
      test(`${name}=${JSON.stringify(text)} is refused with the rule and an example`, () => {
        const error = problemsOf({ ...base(), [name]: text })
        const problem = error.problems.find((p) => p.variable === name)
        expect(problem?.message).toStartWith('must be ')
        expect(problem?.example).toBeTruthy()
        expect(error.format()).toContain(name)
      })
  }
})

describe('defaults', () => {
  test('development needs nothing and gets safe defaults', () => {
    const { config } = loadConfig({ DATA_DIR: tempDir() })
    expect(config).toMatchObject({
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: 3000,
      PUBLIC_URL: 'http://localhost:3000',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'pretty',
      SIGNUPS: 'open',
      SESSION_IDLE_TIMEOUT_MINUTES: 30,
      SESSION_ABSOLUTE_TIMEOUT_HOURS: 12,
      TRUST_PROXY: 0,
      PLAID_ENV: 'simulator',
      CORS_ORIGINS: [],
      isProduction: false,
    })
    expect(config.DATABASE_URL).toBeUndefined()
  })

  test('PUBLIC_URL follows PORT', () => {
    expect(loadConfig({ ...base(), PORT: '8080' }).config.PUBLIC_URL).toBe('http://localhost:8080')
  })

  test('empty values count as unset', () => {
    expect(loadConfig({ ...base(), PORT: '', LOG_LEVEL: '  ' }).config).toMatchObject({
      PORT: 3000,
      LOG_LEVEL: 'info',
    })
  })

  test('production binds all interfaces, logs JSON, lets only the first user sign up and talks to Plaid production', () => {
    expect(loadConfig(production()).config).toMatchObject({
      HOST: '0.0.0.0',
      SIGNUPS: 'first-user',
      LOG_FORMAT: 'json',
      PLAID_ENV: 'production',
      isProduction: true,
    })
  })

  test('Plaid credentials without PLAID_ENV mean sandbox', () => {
    const { config } = loadConfig({
      ...base(),
      PLAID_CLIENT_ID: 'client_1234567',
      PLAID_SECRET: 'secret_1234567',
    })
    expect(config.PLAID_ENV).toBe('sandbox')
  })

  test('the result is frozen', () => {
    const { config } = loadConfig(base())
    expect(Object.isFrozen(config)).toBe(true)
    expect(Object.isFrozen(config.CORS_ORIGINS)).toBe(true)
    expect(() => {
      ;(config as { PORT: number }).PORT = 1
    }).toThrow()
  })
})

describe('cross-field rules', () => {
  test('production requires a database, a key, a public URL and Plaid credentials: all reported at once', () => {
    const error = problemsOf({ NODE_ENV: 'production' })
    expect(error.problems.map((p) => p.variable as string).sort()).toEqual(
      ['DATABASE_URL', 'ENCRYPTION_KEY', 'PLAID_CLIENT_ID', 'PLAID_SECRET', 'PUBLIC_URL'].sort(),
    )
    expect(error.problems.every((p) => p.message.startsWith('is required when'))).toBe(true)
  })

  test('production requires https', () => {
    const error = problemsOf({ ...production(), PUBLIC_URL: 'http://tally.example.com' })
    expect(error.problems).toHaveLength(1)
    expect(error.problems[0]?.message).toContain('https')
  })

  test('the simulator is refused in production unless explicitly allowed', () => {
    const { PLAID_CLIENT_ID, PLAID_SECRET, ...rest } = production()
    expect(problemsOf({ ...rest, PLAID_ENV: 'simulator' }).problems.map((p) => p.variable)).toEqual([
      'PLAID_ENV',
    ])
    const { config } = loadConfig({
      ...rest,
      PLAID_ENV: 'simulator',
      PLAID_ALLOW_SIMULATOR_IN_PRODUCTION: 'true',
    })
    expect(config.PLAID_ENV).toBe('simulator')
  })

  test('sandbox needs both credentials', () => {
    const error = problemsOf({ ...base(), PLAID_ENV: 'sandbox' })
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['PLAID_CLIENT_ID', 'PLAID_SECRET'])
  })

  test('one credential alone is a mistake, not a silent fallback to the simulator', () => {
    expect(
      problemsOf({ ...base(), PLAID_CLIENT_ID: 'client_1234567' }).problems.map((p) => p.variable),
    ).toEqual(['PLAID_SECRET'])
  })

  test('PLAID_SIMULATOR_URL with a real Plaid is reported as ignored', () => {
    const { warnings } = loadConfig({
      ...production(),
      PLAID_ENV: 'sandbox',
      PLAID_SIMULATOR_URL: 'http://127.0.0.1:4010',
    })
    expect(warnings.join('\n')).toContain('PLAID_SIMULATOR_URL is ignored')
  })
})

describe('key rotation', () => {
  test('ENCRYPTION_KEY_PREVIOUS must differ from ENCRYPTION_KEY', () => {
    const error = problemsOf({ ...base(), ENCRYPTION_KEY_PREVIOUS: TEST_ENCRYPTION_KEY.toUpperCase() })
    expect(error.problems.map((p) => p.variable)).toEqual(['ENCRYPTION_KEY_PREVIOUS'])
    expect(error.format()).not.toContain(TEST_ENCRYPTION_KEY)
  })
})

describe('secrets and typos', () => {
  test('invalid secrets are never echoed', () => {
    const secretKey = 'not-a-key-but-secret-looking-abcdef'
    const text = problemsOf({
      ...base(),
      ENCRYPTION_KEY: secretKey,
      PLAID_SECRET: 'bad secret value!',
      DATABASE_URL: 'mysql://root:hunter2@db/x',
    }).format()
    expect(text).toContain('ENCRYPTION_KEY')
    expect(text).toContain('PLAID_SECRET')
    expect(text).toContain('DATABASE_URL')
    expect(text).toContain('<redacted>')
    for (const secret of [secretKey, 'bad secret value!', 'hunter2']) expect(text).not.toContain(secret)
  })

  test('likely misspellings are warned about with the intended name', () => {
    const { warnings } = loadConfig({
      ...base(),
      PLAID_SECERT: 'x',
      port: '1',
      DATABSE_URL: 'x',
      HOME: '/root',
      PATH: '/bin',
    })
    expect(warnings).toContain(
      'PLAID_SECERT is not a Tally variable and is ignored; did you mean PLAID_SECRET?',
    )
    expect(warnings).toContain('port is not a Tally variable and is ignored; did you mean PORT?')
    expect(warnings).toContain(
      'DATABSE_URL is not a Tally variable and is ignored; did you mean DATABASE_URL?',
    )
    expect(warnings.join('\n')).not.toContain('HOME')
    expect(warnings.join('\n')).not.toContain('PATH')
  })
})

describe('development encryption key', () => {
  test('is generated once with mode 0600 and reused on the next start', () => {
    const dataDir = tempDir()
    const first = loadConfig({ DATA_DIR: dataDir })
    expect(first.config.encryptionKeySource).toBe('generated')
    expect(first.config.ENCRYPTION_KEY).toMatch(/^[0-9a-f]{64}$/)
    expect(first.warnings.join('\n')).toContain('generated a development key')
    const path = join(dataDir, 'encryption.key')
    expect(statSync(path).mode & 0o777).toBe(0o600)

    const second = loadConfig({ DATA_DIR: dataDir })
    expect(second.config.ENCRYPTION_KEY).toBe(first.config.ENCRYPTION_KEY)
    expect(second.config.encryptionKeySource).toBe('file')
    expect(second.warnings).toEqual([])
  })

  test('a damaged key file is an error, not a silent new key', () => {
    const dataDir = tempDir()
    writeFileSync(join(dataDir, 'encryption.key'), 'garbage')
    expect(problemsOf({ DATA_DIR: dataDir }).problems[0]?.variable).toBe('ENCRYPTION_KEY')
  })

  test('is not generated when other settings are wrong', () => {
    const dataDir = tempDir()
    problemsOf({ DATA_DIR: dataDir, PORT: 'x' })
    expect(existsSync(join(dataDir, 'encryption.key'))).toBe(false)
  })

  test('production never generates one', () => {
    const dataDir = tempDir()
    const { ENCRYPTION_KEY, ...rest } = production()
    problemsOf({ ...rest, DATA_DIR: dataDir })
    expect(existsSync(join(dataDir, 'encryption.key'))).toBe(false)
  })

  test('an explicit key wins over the file', () => {
    const dataDir = tempDir()
    loadConfig({ DATA_DIR: dataDir })
    const fileKey = readFileSync(join(dataDir, 'encryption.key'), 'utf8').trim()
    const { config } = loadConfig({ DATA_DIR: dataDir, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY })
    expect(config.ENCRYPTION_KEY).toBe(TEST_ENCRYPTION_KEY)
    expect(config.ENCRYPTION_KEY).not.toBe(fileKey)
  })
})
