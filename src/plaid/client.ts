import { Configuration, PlaidApi, PlaidEnvironments } from 'plaid'
import type { Config } from '../config/index.ts'
import type { Logger } from '../logger.ts'
import { SIMULATOR_DEFAULT_CLIENT_ID, SIMULATOR_DEFAULT_SECRET, startSimulator } from '../simulator/index.ts'
import type { RetryPolicy } from './retry.ts'
import { createPlaidTransport, DEFAULT_PLAID_TIMEOUT_MS } from './transport.ts'

export { isNetworkError, networkErrorCode, type PlaidErrorInfo, plaidErrorOf } from './errors.ts'
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.ts'
export { DEFAULT_PLAID_TIMEOUT_MS } from './transport.ts'

export interface PlaidConnection {
  client: PlaidApi
  /** Where the client points, for logs and health output (never a credential). */
  basePath: string
  env: Config['PLAID_ENV']
  /** Per-attempt timeout in milliseconds. */
  timeoutMs: number
  /** Stops the in-process simulator, if this connection started one. */
  close(): Promise<void>
}

/** Knobs the environment does not set: tests shorten timeouts and make retry waits instant. */
export interface PlaidClientTuning {
  timeoutMs?: number
  retry?: Partial<RetryPolicy>
}

export interface PlaidClientOptions extends PlaidClientTuning {
  basePath: string
  clientId: string
  secret: string
  logger: Logger
}

/** The official client with Tally's transport: per-attempt timeout, retries, one log line per attempt. */
export function createPlaidClient(options: PlaidClientOptions): PlaidApi {
  const basePath = options.basePath.replace(/\/+$/, '')
  const transport = createPlaidTransport({
    basePath,
    logger: options.logger,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
  })
  const configuration = new Configuration({
    basePath,
    baseOptions: {
      // Headers rather than body fields: the body is never logged, but this keeps the credentials out
      // of request bodies that a debugging proxy might record.
      headers: {
        'PLAID-CLIENT-ID': options.clientId,
        'PLAID-SECRET': options.secret,
        'Plaid-Version': '2020-09-14',
      },
    },
  })
  return new PlaidApi(configuration, basePath, transport)
}

/**
 * The official Plaid client, pointed at Plaid Sandbox, Plaid Production or the simulator. With
 * PLAID_ENV=simulator and no PLAID_SIMULATOR_URL the simulator runs inside this process on a loopback
 * port, so the code path stays exactly the one used against Plaid.
 */
export async function connectPlaid(
  config: Config,
  logger: Logger,
  tuning: PlaidClientTuning = {},
): Promise<PlaidConnection> {
  let basePath: string
  let close = async () => {}
  let clientId = config.PLAID_CLIENT_ID
  let secret = config.PLAID_SECRET
  if (config.PLAID_ENV === 'simulator') {
    clientId ??= SIMULATOR_DEFAULT_CLIENT_ID
    secret ??= SIMULATOR_DEFAULT_SECRET
    if (config.PLAID_SIMULATOR_URL) basePath = config.PLAID_SIMULATOR_URL.replace(/\/$/, '')
    else {
      const simulator = await startSimulator({
        port: 0,
        seed: config.PLAID_SIMULATOR_SEED,
        clientId,
        secret,
        logger: logger.child({ component: 'plaid-simulator' }),
      })
      basePath = simulator.url
      close = () => simulator.stop()
    }
  } else {
    basePath = PlaidEnvironments[config.PLAID_ENV] as string
  }
  const timeoutMs = tuning.timeoutMs ?? DEFAULT_PLAID_TIMEOUT_MS
  const client = createPlaidClient({
    basePath,
    // loadConfig refuses sandbox/production without credentials; the simulator has defaults above.
    clientId: clientId as string,
    secret: secret as string,
    logger,
    timeoutMs,
    ...(tuning.retry === undefined ? {} : { retry: tuning.retry }),
  })
  logger.info(
    {
      plaidEnv: config.PLAID_ENV,
      basePath,
      inProcess: config.PLAID_ENV === 'simulator' && !config.PLAID_SIMULATOR_URL,
    },
    `plaid: ${config.PLAID_ENV} at ${basePath}`,
  )
  return { client, basePath, env: config.PLAID_ENV, timeoutMs, close }
}
