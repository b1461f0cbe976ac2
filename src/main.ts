#!/usr/bin/env bun
import { type Config, ConfigError, loadConfig, redactedConfig } from './config/index.ts'
import { openDatabase, type Sql } from './db/index.ts'
import { DataDirInUseError } from './db/lock.ts'
import { MigrationError, migrate, verifyMigrations } from './db/migrate.ts'
import { migrations } from './db/migrations/index.ts'
import { createLogger, type Logger } from './logger.ts'
import { recordAudit } from './modules/audit/service.ts'
import { revokeAllSessions } from './modules/sessions/service.ts'
import { rotateAccessTokens } from './plaid/rotate-key.ts'
import { createTokenCipher } from './plaid/token-crypto.ts'
import { StartupError, startServer, untilSignalled } from './server.ts'
import { runSimulatorCommand } from './simulator/cli.ts'

/** sysexits.h: the conventional codes supervisors and scripts understand. */
export const EXIT = { ok: 0, failure: 1, usage: 2, config: 78 } as const

const USAGE = `Usage: tally [command]

Commands:
  serve        Start the HTTP server (default): migrates the database first.
  migrate      Apply pending database migrations and exit.
  check-env    Validate the environment and print the effective configuration (secrets redacted).
  sessions revoke-all
               End every session of every user (incident response); everyone must log in again.
  rotate-key   Re-encrypt every stored Plaid access token under ENCRYPTION_KEY (set the old key as
               ENCRYPTION_KEY_PREVIOUS first); resumable, safe beside a running server.
  simulator    Run the Plaid simulator on its own: tally simulator --port 4010 [--seed N]
               [--client-id ID --secret S] (see docs/SIMULATOR.md and tally simulator --help).
  help         Show this help.

Configuration comes from environment variables (and .env files, which Bun loads);
see docs/ENVIRONMENT.md. Exit codes: 0 success, 1 failure, 2 usage error, 78 configuration error.
`

export async function main(argv: string[], env: Record<string, string | undefined>): Promise<number> {
  const [first = 'serve', ...rest] = argv
  // Two-word commands ("sessions revoke-all") are looked up as one name.
  const command = first === 'sessions' && rest.length > 0 ? `${first} ${rest.shift()}` : first
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE)
    return EXIT.ok
  }
  // The standalone simulator takes its own flags and needs none of Tally's configuration.
  if (command === 'simulator') return runSimulatorCommand(rest)
  const commands: Record<string, (config: Config, logger: Logger) => Promise<number>> = {
    serve: runServe,
    migrate: runMigrate,
    'sessions revoke-all': runRevokeAllSessions,
    'rotate-key': runRotateKey,
    'check-env': async (config) => {
      process.stdout.write(`${JSON.stringify(redactedConfig(config), null, 2)}\n`)
      return EXIT.ok
    },
  }
  const run = commands[command]
  if (!run || rest.length > 0) {
    process.stderr.write(
      `${run ? `tally ${command} takes no arguments (got ${rest.join(' ')})` : `unknown command: ${command}`}\n\n${USAGE}`,
    )
    return EXIT.usage
  }

  let loaded: ReturnType<typeof loadConfig>
  try {
    // check-env only reports: it must not create the development key as a side effect.
    loaded = loadConfig(env, command === 'check-env' ? { devKey: previewDevKey } : {})
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`${error.format()}\n`)
    return EXIT.config
  }
  const logger = createLogger({
    level: loaded.config.LOG_LEVEL,
    format: loaded.config.LOG_FORMAT,
    fd: command === 'serve' ? 1 : 2,
  })
  for (const warning of loaded.warnings) logger.warn(warning)
  if (command === 'check-env')
    process.stderr.write(`Configuration is valid (NODE_ENV=${loaded.config.NODE_ENV}).\n`)

  try {
    return await run(loaded.config, logger)
  } catch (error) {
    if (
      error instanceof StartupError ||
      error instanceof MigrationError ||
      error instanceof DataDirInUseError
    ) {
      logger.fatal(error.message)
      return EXIT.failure
    }
    logger.fatal({ err: error }, 'failed')
    return EXIT.failure
  }
}

async function runServe(config: Config, logger: Logger): Promise<number> {
  const server = await startServer(config, logger)
  return untilSignalled(server, config, logger)
}

async function runMigrate(config: Config, logger: Logger): Promise<number> {
  const database = await openDatabase(config, logger)
  try {
    const applied = await migrate(database.sql, migrations, logger)
    logger.info(
      { applied: applied.length, total: migrations.length },
      `${applied.length} migration(s) applied; database is up to date`,
    )
    return EXIT.ok
  } finally {
    await database.close()
  }
}

/** One-shot commands that need an up-to-date database: open it, refuse a mismatched one, close it. */
async function withMigratedDatabase(config: Config, logger: Logger, work: (sql: Sql) => Promise<number>) {
  const database = await openDatabase(config, logger)
  try {
    await verifyMigrations(database.sql, migrations)
    return await work(database.sql)
  } finally {
    await database.close()
  }
}

async function runRevokeAllSessions(config: Config, logger: Logger): Promise<number> {
  return withMigratedDatabase(config, logger, async (sql) => {
    const revoked = await revokeAllSessions(sql)
    await recordAudit(sql, {
      userId: null,
      event: 'sessions_revoked_all',
      details: { revoked },
      at: new Date(),
    })
    logger.warn({ revoked }, `revoked all ${revoked} session(s); every user must log in again`)
    return EXIT.ok
  })
}

async function runRotateKey(config: Config, logger: Logger): Promise<number> {
  return withMigratedDatabase(config, logger, async (sql) => {
    const cipher = createTokenCipher({
      key: config.ENCRYPTION_KEY,
      previousKey: config.ENCRYPTION_KEY_PREVIOUS,
    })
    const report = await rotateAccessTokens(sql, cipher, logger)
    process.stdout.write(`${JSON.stringify(report)}\n`)
    if (report.unreadable.length > 0) {
      logger.error(
        { unreadable: report.unreadable.length },
        'some access tokens open under neither ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS; keep the old key and investigate',
      )
      return EXIT.failure
    }
    logger.info(report, 'every access token is under ENCRYPTION_KEY; ENCRYPTION_KEY_PREVIOUS can be removed')
    return EXIT.ok
  })
}

function previewDevKey(dataDir: string) {
  return { key: '0'.repeat(64), path: `${dataDir}/encryption.key`, created: false }
}

if (import.meta.main) {
  const code = await main(process.argv.slice(2), process.env)
  process.exit(code)
}
