import { Configuration, PlaidApi, PlaidEnvironments } from 'plaid'
import type { Config } from '../config/index.ts'
import type { Logger } from '../logger.ts'
import { SIMULATOR_DEFAULT_CLIENT_ID, SIMULATOR_DEFAULT_SECRET, startSimulator } from '../simulator/index.ts'

export interface PlaidConnection {
  client: PlaidApi
  /** Where the client points, for logs and health output (never a credential). */
  basePath: string
  env: Config['PLAID_ENV']
  /** Stops the in-process simulator, if this connection started one. */
  close(): Promise<void>
}

/**
 * The official Plaid client, pointed at Plaid Sandbox, Plaid Production or the simulator. With
 * PLAID_ENV=simulator and no PLAID_SIMULATOR_URL the simulator runs inside this process on a loopback
 * port, so the code path stays exactly the one used against Plaid.
 */
export async function connectPlaid(config: Config, logger: Logger): Promise<PlaidConnection> {
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
  const client = new PlaidApi(
    new Configuration({
      basePath,
      baseOptions: {
        headers: {
          'PLAID-CLIENT-ID': clientId as string,
          'PLAID-SECRET': secret as string,
          'Plaid-Version': '2020-09-14',
        },
        timeout: 30_000,
      },
    }),
  )
  logger.info(
    {
      plaidEnv: config.PLAID_ENV,
      basePath,
      inProcess: config.PLAID_ENV === 'simulator' && !config.PLAID_SIMULATOR_URL,
    },
    `plaid: ${config.PLAID_ENV} at ${basePath}`,
  )
  return { client, basePath, env: config.PLAID_ENV, close }
}
