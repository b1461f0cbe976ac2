import { type App, createApp } from './app.ts'
import type { Config } from './config/index.ts'
import { type Database, openDatabase } from './db/index.ts'
import { migrate } from './db/migrate.ts'
import { migrations } from './db/migrations/index.ts'
import type { Logger } from './logger.ts'
import { type BankJobs, startBankJobs } from './plaid/background.ts'
import { connectPlaid, type PlaidConnection } from './plaid/client.ts'

export interface RunningServer {
  url: string
  app: App
  database: Database
  plaid: PlaidConnection
  /** Stops taking requests, lets in-flight ones finish, then closes the database. */
  stop(): Promise<void>
}

export class StartupError extends Error {
  override readonly name = 'StartupError'
}

/** Opens the database, migrates it, and starts listening. Config has been validated before this runs. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const database = await openDatabase(config, logger)
  logger.info({ database: database.description, kind: database.kind }, `database: ${database.description}`)
  let plaid: PlaidConnection | undefined
  let jobs: BankJobs | undefined
  try {
    await migrate(database.sql, migrations, logger)
    plaid = await connectPlaid(config, logger)
    jobs = startBankJobs({ config, sql: database.sql, plaid: plaid.client, logger })
    const app = createApp({
      config,
      sql: database.sql,
      logger,
      plaid: plaid.client,
      notifyWorker: jobs.notify,
      ...(config.PLAID_ENV === 'simulator' ? { simulatorUrl: plaid.basePath } : {}),
    })
    try {
      app.listen({ hostname: config.HOST, port: config.PORT })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
        throw new StartupError(
          `port ${config.PORT} on ${config.HOST} is already in use; stop the other process or set PORT`,
        )
      throw error
    }
    const server = app.server
    if (!server) throw new StartupError('the HTTP server did not start')
    const host = server.hostname ?? config.HOST
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${server.port}`
    logger.info(
      { url, publicUrl: config.PUBLIC_URL, nodeEnv: config.NODE_ENV },
      `Tally is listening on ${url}`,
    )
    return {
      url,
      app,
      database,
      plaid,
      async stop() {
        await app.stop()
        // Running syncs are asked to stop; their jobs go back to the queue uncounted.
        await jobs?.stop()
        await plaid?.close()
        await database.close(Math.max(1, Math.ceil(config.SHUTDOWN_TIMEOUT_MS / 1000)))
      },
    }
  } catch (error) {
    await jobs?.stop().catch(() => {})
    await plaid?.close().catch(() => {})
    await database.close(1).catch(() => {})
    throw error
  }
}

/**
 * Runs until SIGTERM or SIGINT, then shuts down gracefully within SHUTDOWN_TIMEOUT_MS. A second signal,
 * or the timeout, ends the process at once. Resolves to the exit code.
 */
export function untilSignalled(server: RunningServer, config: Config, logger: Logger): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting without waiting')
        resolve(1)
        return
      }
      stopping = true
      logger.info({ signal, timeout_ms: config.SHUTDOWN_TIMEOUT_MS }, 'shutting down')
      const timer = setTimeout(() => {
        logger.error({ timeout_ms: config.SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out; exiting')
        resolve(1)
      }, config.SHUTDOWN_TIMEOUT_MS)
      server.stop().then(
        () => {
          clearTimeout(timer)
          logger.info('stopped cleanly')
          resolve(0)
        },
        (error) => {
          clearTimeout(timer)
          logger.error({ err: error }, 'error while shutting down')
          resolve(1)
        },
      )
    }
    process.on('SIGTERM', onSignal)
    process.on('SIGINT', onSignal)
  })
}
