import { createSimClock } from './clock.ts'
import { createCore } from './core.ts'
import { createFaults } from './faults.ts'
import { createKeyring } from './keys.ts'
import { type SimulatorLogger, silentLogger } from './logger.ts'
import { createRequestHandler } from './server.ts'
import { createCursorCodec } from './sync-cursor.ts'
import { createTokenRegistry } from './tokens.ts'
import { createWebhookSender } from './webhooks.ts'

/**
 * Development defaults, documented in docs/SIMULATOR.md. They protect nothing: the simulator holds
 * only generated data and listens on loopback by default.
 */
export const SIMULATOR_DEFAULT_CLIENT_ID = 'tally-simulator-client'
export const SIMULATOR_DEFAULT_SECRET = 'tally-simulator-secret'
export const SIMULATOR_DEFAULT_SEED = 1
export const SIMULATOR_DEFAULT_HOST = '127.0.0.1'

export type StartSimulatorOptions = {
  /** 0 (the default) picks a free port. */
  port?: number
  host?: string
  seed?: number
  clientId?: string
  secret?: string
  /** Base clock; the simulated clock runs from it plus whatever the control API advances. */
  now?: () => Date
  logger?: SimulatorLogger
  /** Items created get exactly this many transactions (benchmarks); default: a natural two years. */
  transactionsPerItem?: number | null
  /** Waits before each webhook retry. */
  webhookRetryDelaysMs?: readonly number[]
}

export type RunningSimulator = {
  url: string
  port: number
  clientId: string
  secret: string
  stop(): Promise<void>
}

export async function startSimulator(options: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const seed = options.seed ?? SIMULATOR_DEFAULT_SEED
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError('seed must be a non-negative integer')
  const clientId = options.clientId ?? SIMULATOR_DEFAULT_CLIENT_ID
  const secret = options.secret ?? SIMULATOR_DEFAULT_SECRET
  if (clientId === '' || secret === '') throw new RangeError('client id and secret must not be empty')
  const logger = options.logger ?? silentLogger
  const base = options.now ?? (() => new Date())
  const clock = createSimClock(base)
  const keyring = await createKeyring(base)
  const webhooks = createWebhookSender({
    keyring,
    logger,
    now: base,
    ...(options.webhookRetryDelaysMs ? { retryDelaysMs: options.webhookRetryDelaysMs } : {}),
  })
  const core = createCore({
    seed,
    clientId,
    secret,
    clock,
    logger,
    keyring,
    webhooks,
    faults: createFaults(seed),
    tokens: createTokenRegistry(clock),
    cursors: createCursorCodec(),
    settings: { transactionsPerItem: options.transactionsPerItem ?? null },
  })
  const handler = createRequestHandler(core)
  const server = Bun.serve({
    port: options.port ?? 0,
    hostname: options.host ?? SIMULATOR_DEFAULT_HOST,
    // Plaid requests are small; anything bigger is a client bug or abuse.
    maxRequestBodySize: 1024 * 1024,
    fetch: handler,
    error(error) {
      logger.error({ err: { name: error.name, message: error.message } }, 'simulator server error')
      return new Response(null, { status: 500 })
    },
  })
  const port = server.port ?? 0
  const host = server.hostname ?? options.host ?? SIMULATOR_DEFAULT_HOST
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  logger.info({ url, seed }, 'plaid simulator listening')
  let stopped: Promise<void> | null = null
  return {
    url,
    port,
    clientId,
    secret,
    stop() {
      stopped ??= (async () => {
        webhooks.close()
        await server.stop(true)
        logger.info({ url }, 'plaid simulator stopped')
      })()
      return stopped
    },
  }
}

export type { SimulatorLogger } from './logger.ts'
