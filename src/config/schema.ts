import { type TLiteral, type TSchema, type TUnion, Type } from '@sinclair/typebox'

/**
 * Every environment variable Tally reads, in one place. The loader coerces and validates against this
 * schema, and `bun run docs:env` generates .env.example and docs/ENVIRONMENT.md from it, so the
 * documentation cannot drift from the code.
 *
 * Extra keywords (ignored by validation, read by the loader and the docs generator):
 * - `group`: heading in the docs;
 * - `rule`: the rule in words, where the schema alone would read poorly (patterns, cross-field rules);
 * - `secret`: never printed; shown as <redacted>;
 * - `productionDefault`: the default when NODE_ENV=production, where it differs;
 * - `defaultText`: how the docs describe a default that is computed (e.g. from another variable);
 * - `example`: a valid value for error messages and .env.example (`exampleHint` when a value must not
 *   be written down, as for keys).
 */
export interface VariableOptions {
  description: string
  group: string
  example?: string
  exampleHint?: string
  rule?: string
  secret?: boolean
  default?: unknown
  productionDefault?: unknown
  defaultText?: string
  /** An integer number of seconds written as a duration ("30m", "6h", "1d", or plain seconds). */
  duration?: boolean
  minimum?: number
  maximum?: number
  pattern?: string
  format?: string
}

const variable = <T extends TSchema>(schema: T, options: VariableOptions): T => Object.assign(schema, options)

const oneOf = <const Values extends readonly string[]>(values: Values, options: VariableOptions) =>
  variable(
    Type.Union(values.map((value) => Type.Literal(value))) as unknown as TUnion<TLiteral<Values[number]>[]>,
    options,
  )

const integer = (options: VariableOptions & { minimum: number; maximum: number }) =>
  variable(Type.Integer(), options)

export const NODE_ENVS = ['development', 'test', 'production'] as const
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const
export const PLAID_ENVS = ['simulator', 'sandbox', 'production'] as const

export const EnvSchema = Type.Object({
  NODE_ENV: oneOf(NODE_ENVS, {
    group: 'Server',
    description:
      'Which rule set applies. `production` requires real secrets and a real database, and never generates secrets or falls back to the embedded database.',
    default: 'development',
    example: 'production',
  }),
  HOST: variable(Type.String({ minLength: 1 }), {
    group: 'Server',
    description:
      'Interface the HTTP server binds to. The loopback default keeps a development server private; containers need 0.0.0.0.',
    default: '127.0.0.1',
    productionDefault: '0.0.0.0',
    rule: 'an IP address or host name',
    pattern: '^[A-Za-z0-9.:\\-\\[\\]]+$',
    example: '0.0.0.0',
  }),
  PORT: integer({
    group: 'Server',
    description: 'TCP port the HTTP server listens on.',
    default: 3000,
    minimum: 1,
    maximum: 65535,
    example: '3000',
  }),
  PUBLIC_URL: Type.Optional(
    variable(Type.String(), {
      group: 'Server',
      description:
        'The address people use to reach Tally (scheme, host and port, no path). Used for cookies, CSRF origin checks and the Plaid webhook URL. Must be https in production.',
      defaultText: 'http://localhost:$PORT outside production; required in production',
      format: 'http-origin',
      rule: 'an absolute http:// or https:// URL with no path, query or fragment (https in production)',
      example: 'https://tally.example.com',
    }),
  ),
  CORS_ORIGINS: variable(Type.Array(Type.String({ format: 'http-origin' })), {
    group: 'Server',
    description:
      'Other origins (besides PUBLIC_URL) whose browsers may call the API with credentials, comma separated. Leave empty unless a separate front end needs it.',
    default: [],
    rule: 'a comma-separated list of origins such as https://app.example.com',
    example: 'https://admin.example.com,https://app.example.com',
  }),
  SHUTDOWN_TIMEOUT_MS: integer({
    group: 'Server',
    description:
      'How long a graceful shutdown (SIGTERM/SIGINT) waits for in-flight requests and database connections before exiting anyway.',
    default: 10000,
    minimum: 0,
    maximum: 120000,
    example: '10000',
  }),
  TRUST_PROXY: integer({
    group: 'Server',
    description:
      'How many reverse proxies in front of Tally append to X-Forwarded-For. 0 uses the connection’s address and ignores the header (a client could forge it); 1 trusts the last address one proxy added, and so on. The client address feeds log-in throttling and the audit log.',
    default: 0,
    minimum: 0,
    maximum: 10,
    example: '1',
  }),
  SIGNUPS: oneOf(['open', 'first-user', 'closed'] as const, {
    group: 'Accounts',
    description:
      'Who may create an account: anyone (`open`), only the very first person (`first-user`, so a fresh deployment can be claimed and then closes), or nobody (`closed`).',
    default: 'open',
    productionDefault: 'first-user',
    example: 'first-user',
  }),
  SESSION_IDLE_TIMEOUT_MINUTES: integer({
    group: 'Accounts',
    description:
      'A session unused for this long ends (OWASP ASVS 3.3.2, level 2: 30 minutes). Each request moves the deadline.',
    default: 30,
    minimum: 1,
    maximum: 43200,
    example: '30',
  }),
  SESSION_ABSOLUTE_TIMEOUT_HOURS: integer({
    group: 'Accounts',
    description:
      'A session ends this long after log-in however active it is (OWASP ASVS 3.3.2, level 2: 12 hours); it is also the cookie’s lifetime.',
    default: 12,
    minimum: 1,
    maximum: 8760,
    example: '12',
  }),
  LOG_LEVEL: oneOf(LOG_LEVELS, {
    group: 'Logging',
    description: 'Least severe log level written.',
    default: 'info',
    example: 'debug',
  }),
  LOG_FORMAT: oneOf(['json', 'pretty'] as const, {
    group: 'Logging',
    description: 'One JSON object per line (for log collectors) or coloured, human-readable lines.',
    default: 'pretty',
    productionDefault: 'json',
    defaultText: '`pretty` in development and test, `json` in production',
    example: 'json',
  }),
  DATABASE_URL: Type.Optional(
    variable(Type.String({ format: 'postgres-url' }), {
      group: 'Database',
      secret: true,
      description:
        'PostgreSQL (15 or newer) connection URL. TLS is set with `sslmode` in the URL (`disable`, `prefer`, `require`, `verify-full`). When unset outside production, Tally runs an embedded PostgreSQL (PGlite) stored in DATA_DIR. Treated as a secret because it usually holds a password.',
      defaultText: 'embedded database in DATA_DIR outside production; required in production',
      rule: 'a postgres:// or postgresql:// URL with a host',
      example: 'postgres://tally:password@db.internal:5432/tally?sslmode=require',
    }),
  ),
  DATABASE_POOL_MAX: integer({
    group: 'Database',
    description: 'Most connections the pool opens to PostgreSQL.',
    default: 10,
    minimum: 1,
    maximum: 100,
    example: '10',
  }),
  DATABASE_CONNECT_TIMEOUT_S: integer({
    group: 'Database',
    description: 'Seconds to wait for a new database connection before failing.',
    default: 10,
    minimum: 1,
    maximum: 120,
    example: '10',
  }),
  DATABASE_STATEMENT_TIMEOUT_MS: integer({
    group: 'Database',
    description:
      'PostgreSQL `statement_timeout` for Tally’s connections, in milliseconds; 0 disables it. Stops a runaway query from holding a connection.',
    default: 30000,
    minimum: 0,
    maximum: 3600000,
    example: '30000',
  }),
  DATA_DIR: variable(Type.String({ minLength: 1 }), {
    group: 'Database',
    description:
      'Folder for local state: the embedded database and, outside production, the generated encryption key. Created if missing.',
    default: '.data',
    example: '/var/lib/tally',
  }),
  ENCRYPTION_KEY: Type.Optional(
    variable(Type.String({ pattern: '^[0-9a-fA-F]{64}$' }), {
      group: 'Secrets',
      secret: true,
      description:
        'AES-256-GCM key that encrypts Plaid access tokens at rest: 32 random bytes as 64 hex characters. Outside production a key is generated once into DATA_DIR/encryption.key when unset; production never generates one.',
      defaultText: 'generated into DATA_DIR/encryption.key outside production; required in production',
      rule: 'exactly 64 hexadecimal characters (32 bytes)',
      exampleHint: 'generate one with `openssl rand -hex 32`',
    }),
  ),
  ENCRYPTION_KEY_PREVIOUS: Type.Optional(
    variable(Type.String({ pattern: '^[0-9a-fA-F]{64}$' }), {
      group: 'Secrets',
      secret: true,
      description:
        'During a key rotation only: the old ENCRYPTION_KEY. Tally then reads tokens under either key and writes under the new one; `tally rotate-key` re-encrypts every stored token, after which this can be removed. See docs/PLAID.md.',
      defaultText: 'unset',
      rule: 'exactly 64 hexadecimal characters, different from ENCRYPTION_KEY',
      exampleHint: 'the value ENCRYPTION_KEY had before the rotation',
    }),
  ),
  WORKER_CONCURRENCY: integer({
    group: 'Jobs',
    description:
      'Background jobs (bank syncs) this process runs at once. 0 makes an API-only replica that only queues work for others; any number of processes may run workers, and one item is never synced by two at once.',
    default: 2,
    minimum: 0,
    maximum: 32,
    example: '2',
  }),
  SYNC_INTERVAL: variable(Type.Integer({ minimum: 60, maximum: 7 * 86400 }), {
    group: 'Jobs',
    description:
      'How often every healthy bank is synced even without a webhook: a safety net for webhooks that never arrive.',
    default: 6 * 3600,
    defaultText: '`6h`',
    duration: true,
    rule: 'a duration such as 30m, 6h or 1d (s, m, h, d), from 1m to 7d',
    example: '6h',
  }),
  PLAID_ENV: Type.Optional(
    oneOf(PLAID_ENVS, {
      group: 'Plaid',
      description:
        'Which Plaid to talk to: Plaid Sandbox, Plaid Production, or Tally’s built-in offline simulator.',
      defaultText:
        '`sandbox` when PLAID_CLIENT_ID and PLAID_SECRET are set, otherwise `simulator`; `production` when NODE_ENV=production',
      example: 'sandbox',
    }),
  ),
  PLAID_CLIENT_ID: Type.Optional(
    variable(Type.String({ pattern: '^[A-Za-z0-9_-]{8,128}$' }), {
      group: 'Plaid',
      description: 'Your Plaid client id (Plaid Dashboard → Developers → Keys).',
      defaultText: 'required unless PLAID_ENV=simulator',
      rule: '8 to 128 letters, digits, `_` or `-`',
      example: '5f2d0c3e8a1b4c0011a2b3c4',
    }),
  ),
  PLAID_SECRET: Type.Optional(
    variable(Type.String({ pattern: '^[A-Za-z0-9_-]{8,128}$' }), {
      group: 'Plaid',
      secret: true,
      description: 'The Plaid secret for PLAID_ENV (sandbox and production secrets differ).',
      defaultText: 'required unless PLAID_ENV=simulator',
      rule: '8 to 128 letters, digits, `_` or `-`',
      exampleHint: 'copy it from the Plaid Dashboard',
    }),
  ),
  PLAID_CLIENT_NAME: variable(Type.String({ minLength: 1, maxLength: 30 }), {
    group: 'Plaid',
    description: 'The name Plaid Link shows people when they connect a bank (at most 30 characters).',
    default: 'Tally',
    rule: '1 to 30 characters',
    example: 'Family Finances',
  }),
  PLAID_COUNTRY_CODES: variable(Type.Array(Type.String({ pattern: '^[A-Z]{2}$' }), { minItems: 1 }), {
    group: 'Plaid',
    description: 'Countries whose banks Link offers, as ISO 3166-1 alpha-2 codes, comma separated.',
    default: ['US'],
    rule: 'a comma-separated list of two-letter country codes such as US,CA',
    example: 'US,CA',
  }),
  PLAID_LANGUAGE: oneOf(['en', 'fr', 'es', 'nl', 'de', 'ja'] as const, {
    group: 'Plaid',
    description: 'The language Plaid Link speaks.',
    default: 'en',
    example: 'en',
  }),
  PLAID_SIMULATOR_URL: Type.Optional(
    variable(Type.String({ format: 'http-url' }), {
      group: 'Plaid',
      description:
        'With PLAID_ENV=simulator: use a simulator already running at this URL (`tally simulator`) instead of starting one inside the server.',
      defaultText: 'unset: the simulator runs in-process on a loopback port',
      rule: 'an absolute http:// or https:// URL',
      example: 'http://127.0.0.1:4010',
    }),
  ),
  PLAID_SIMULATOR_SEED: integer({
    group: 'Plaid',
    description:
      'Seed of the in-process simulator’s generated banks and transactions; the same seed gives the same data.',
    default: 1,
    minimum: 0,
    maximum: 2147483647,
    example: '42',
  }),
  PLAID_ALLOW_SIMULATOR_IN_PRODUCTION: variable(Type.Boolean(), {
    group: 'Plaid',
    description:
      'Allow PLAID_ENV=simulator with NODE_ENV=production, for demos and staging only: no real bank is reachable that way.',
    default: false,
    rule: 'true or false',
    example: 'false',
  }),
  STATIC_DIR: variable(Type.String({ minLength: 1 }), {
    group: 'Dashboard',
    description:
      'Folder holding the built dashboard (`bun run build` writes it; relative to the working directory). Only files listed in its manifest.json are served. A compiled binary serves the copy embedded in it instead.',
    default: 'dist',
    example: '/opt/tally/dist',
  }),
  SOURCEMAPS_PUBLIC: variable(Type.Boolean(), {
    group: 'Dashboard',
    description:
      'Serve the dashboard’s source maps (`*.js.map`) to anyone, and point browsers at them with a SourceMap header. Off by default: maps reveal the original source; upload them to your error tracker instead.',
    default: false,
    rule: 'true or false',
    example: 'false',
  }),
})

export type Env = typeof EnvSchema.static
export type VariableName = keyof Env & string
export const VARIABLE_NAMES = Object.keys(EnvSchema.properties) as VariableName[]

export function variableOptions(name: VariableName): VariableOptions & TSchema {
  return EnvSchema.properties[name] as unknown as VariableOptions & TSchema
}
