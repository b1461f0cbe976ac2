import { Value } from '@sinclair/typebox/value'
import './formats.ts'
import { coerce } from './coerce.ts'
import { loadOrCreateDevKey } from './dev-key.ts'
import { ConfigError, type ConfigProblem } from './errors.ts'
import { parseHttpUrl } from './formats.ts'
import { describeRule, displayValue, exampleOf } from './rules.ts'
import { type Env, VARIABLE_NAMES, type VariableName, variableOptions } from './schema.ts'
import { findLikelyTypos } from './typos.ts'

export type PlaidEnv = NonNullable<Env['PLAID_ENV']>

/** The validated configuration: one frozen object, created at start-up and passed to whatever needs it. */
export type Config = Readonly<
  Omit<Env, 'PUBLIC_URL' | 'PLAID_ENV' | 'ENCRYPTION_KEY' | 'CORS_ORIGINS' | 'PLAID_COUNTRY_CODES'> & {
    PUBLIC_URL: string
    PLAID_COUNTRY_CODES: readonly string[]
    PLAID_ENV: PlaidEnv
    ENCRYPTION_KEY: string
    CORS_ORIGINS: readonly string[]
    isProduction: boolean
    /** Where ENCRYPTION_KEY came from; 'file' and 'generated' happen only outside production. */
    encryptionKeySource: 'environment' | 'file' | 'generated'
  }
>

export interface LoadOptions {
  /** Supplies the development key when ENCRYPTION_KEY is unset outside production. */
  devKey?: typeof loadOrCreateDevKey
}

export type RawEnv = Record<string, string | undefined>

/**
 * Reads, coerces and validates every variable of the schema. Throws ConfigError listing every problem;
 * otherwise returns the frozen Config and warnings (likely typos, ignored settings, a generated key).
 */
export function loadConfig(env: RawEnv, options: LoadOptions = {}): { config: Config; warnings: string[] } {
  const problems: ConfigProblem[] = []
  const warnings: string[] = []
  const text = (name: VariableName) => {
    const value = env[name]?.trim()
    return value === '' ? undefined : value
  }

  const nodeEnvText = text('NODE_ENV')
  const isProduction = nodeEnvText === 'production'
  const values: Partial<Record<VariableName, unknown>> = {}
  for (const name of VARIABLE_NAMES) {
    const schema = variableOptions(name)
    const raw = text(name)
    if (raw === undefined) {
      values[name] =
        isProduction && schema.productionDefault !== undefined ? schema.productionDefault : schema.default
      continue
    }
    const coerced = coerce(schema, raw)
    if (!coerced.ok || !Value.Check(schema, coerced.value)) {
      problems.push({
        variable: name,
        message: `must be ${describeRule(name)}`,
        received: displayValue(name, raw),
        example: exampleOf(name),
      })
      continue
    }
    values[name] = coerced.value
  }

  const required = (name: VariableName, when: string) => {
    if (values[name] === undefined && text(name) === undefined)
      problems.push({
        variable: name,
        message: `is required ${when}: ${describeRule(name)}`,
        example: exampleOf(name),
      })
  }

  if (isProduction) {
    required('DATABASE_URL', 'when NODE_ENV=production')
    required('ENCRYPTION_KEY', 'when NODE_ENV=production')
    required('PUBLIC_URL', 'when NODE_ENV=production')
    const publicUrl = values.PUBLIC_URL as string | undefined
    if (publicUrl && parseHttpUrl(publicUrl)?.protocol !== 'https:')
      problems.push({
        variable: 'PUBLIC_URL',
        message: 'must use https when NODE_ENV=production (browsers only keep Secure cookies over https)',
        received: displayValue('PUBLIC_URL', publicUrl),
        example: exampleOf('PUBLIC_URL'),
      })
  }

  const hasClientId = text('PLAID_CLIENT_ID') !== undefined
  const hasSecret = text('PLAID_SECRET') !== undefined
  if (values.PLAID_ENV === undefined && text('PLAID_ENV') === undefined) {
    if (isProduction) values.PLAID_ENV = 'production'
    else if (hasClientId !== hasSecret)
      problems.push({
        variable: hasClientId ? 'PLAID_SECRET' : 'PLAID_CLIENT_ID',
        message: `is required because ${hasClientId ? 'PLAID_CLIENT_ID' : 'PLAID_SECRET'} is set (set both to use Plaid Sandbox, or neither to use the simulator)`,
      })
    else values.PLAID_ENV = hasClientId ? 'sandbox' : 'simulator'
  }
  if (values.PLAID_ENV === 'sandbox' || values.PLAID_ENV === 'production') {
    required('PLAID_CLIENT_ID', `when PLAID_ENV=${values.PLAID_ENV}`)
    required('PLAID_SECRET', `when PLAID_ENV=${values.PLAID_ENV}`)
    if (values.PLAID_SIMULATOR_URL !== undefined)
      warnings.push(`PLAID_SIMULATOR_URL is ignored because PLAID_ENV=${values.PLAID_ENV}`)
  }
  if (values.PLAID_ENV === 'simulator' && isProduction && values.PLAID_ALLOW_SIMULATOR_IN_PRODUCTION !== true)
    problems.push({
      variable: 'PLAID_ENV',
      message:
        'is simulator, which is refused when NODE_ENV=production: set PLAID_ENV=sandbox or production with real Plaid credentials, or PLAID_ALLOW_SIMULATOR_IN_PRODUCTION=true for a demo',
    })

  for (const { name, intended } of findLikelyTypos(Object.keys(env), VARIABLE_NAMES))
    warnings.push(`${name} is not a Tally variable and is ignored; did you mean ${intended}?`)

  let encryptionKeySource: Config['encryptionKeySource'] = 'environment'
  if (
    values.ENCRYPTION_KEY_PREVIOUS !== undefined &&
    String(values.ENCRYPTION_KEY_PREVIOUS).toLowerCase() === String(values.ENCRYPTION_KEY ?? '').toLowerCase()
  )
    problems.push({
      variable: 'ENCRYPTION_KEY_PREVIOUS',
      message: 'must differ from ENCRYPTION_KEY: it is the key being rotated away from',
      received: '<redacted>',
    })

  if (problems.length === 0 && values.ENCRYPTION_KEY === undefined) {
    const devKey = (options.devKey ?? loadOrCreateDevKey)(values.DATA_DIR as string)
    if ('error' in devKey)
      problems.push({
        variable: 'ENCRYPTION_KEY',
        message: `is unset and the development key could not be used: ${devKey.error}`,
        example: exampleOf('ENCRYPTION_KEY'),
      })
    else {
      values.ENCRYPTION_KEY = devKey.key
      encryptionKeySource = devKey.created ? 'generated' : 'file'
      if (devKey.created)
        warnings.push(
          `ENCRYPTION_KEY is unset: generated a development key in ${devKey.path}. Keep that file with the data; production requires ENCRYPTION_KEY.`,
        )
    }
  }

  if (problems.length > 0) throw new ConfigError(problems, warnings)

  const config = {
    ...values,
    PUBLIC_URL: (values.PUBLIC_URL as string | undefined) ?? `http://localhost:${values.PORT}`,
    isProduction,
    encryptionKeySource,
  } as Config
  Object.freeze(config.CORS_ORIGINS)
  Object.freeze(config.PLAID_COUNTRY_CODES)
  return { config: Object.freeze(config), warnings }
}
