import { Configuration, PlaidApi, Products } from 'plaid'
import { type RunningSimulator, type StartSimulatorOptions, startSimulator } from '../index.ts'

/**
 * Helpers for tests that talk to a real simulator over HTTP with the official client — the same
 * path Tally uses. Shared by the simulator's own tests and available to Tally's.
 */
/**
 * Parsed JSON from the control API, the Link stand-in and webhook bodies. Tests assert its shape field
 * by field, so one loose type keeps them readable instead of a cast at every step.
 */
// biome-ignore lint/suspicious/noExplicitAny: untyped JSON under test; the assertions are the type check
export type Json = any

export type SimulatorHarness = {
  readonly simulator: RunningSimulator
  readonly client: PlaidApi
  /** Calls the control API with the simulator's credentials; resolves to status and parsed JSON. */
  control(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }>
  /** Creates, exchanges and returns a linked First Platypus Bank item. */
  linkItem(options?: {
    institutionId?: string
    webhook?: string
  }): Promise<{ accessToken: string; itemId: string }>
  stop(): Promise<void>
}

export const FIXED_NOW = new Date('2026-03-15T12:00:00.000Z')

export function plaidClient(simulator: Pick<RunningSimulator, 'url' | 'clientId' | 'secret'>): PlaidApi {
  return new PlaidApi(
    new Configuration({
      basePath: simulator.url,
      baseOptions: { headers: { 'PLAID-CLIENT-ID': simulator.clientId, 'PLAID-SECRET': simulator.secret } },
    }),
  )
}

/** The control API of a running simulator, called with its own credentials. */
export function controlApi(simulator: RunningSimulator): SimulatorHarness['control'] {
  return async (method, path, body) => {
    const response = await fetch(`${simulator.url}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        'plaid-client-id': simulator.clientId,
        'plaid-secret': simulator.secret,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await response.text()
    return { status: response.status, body: text ? JSON.parse(text) : null }
  }
}

export async function startHarness(options: StartSimulatorOptions = {}): Promise<SimulatorHarness> {
  const simulator = await startSimulator({ port: 0, webhookRetryDelaysMs: [20, 40, 80], ...options })
  const client = plaidClient(simulator)
  const control = controlApi(simulator)
  return {
    simulator,
    client,
    control,
    async linkItem(link = {}) {
      const created = await client.sandboxPublicTokenCreate({
        institution_id: link.institutionId ?? 'ins_109508',
        initial_products: [Products.Transactions],
        ...(link.webhook ? { options: { webhook: link.webhook } } : {}),
      })
      const exchanged = await client.itemPublicTokenExchange({ public_token: created.data.public_token })
      return { accessToken: exchanged.data.access_token, itemId: exchanged.data.item_id }
    },
    stop: () => simulator.stop(),
  }
}

export type ReceivedWebhook = {
  readonly body: string
  readonly signature: string | null
  readonly json: Json
}

/** A loopback webhook receiver that can be told to fail its first N deliveries. */
export function startWebhookReceiver(options: { failFirst?: number } = {}) {
  const received: ReceivedWebhook[] = []
  let failures = options.failFirst ?? 0
  let attempts = 0
  const waiters: Array<{ count: number; resolve: () => void }> = []
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(request) {
      attempts++
      const body = await request.text()
      if (failures > 0) {
        failures--
        return new Response('try later', { status: 503 })
      }
      received.push({ body, signature: request.headers.get('plaid-verification'), json: JSON.parse(body) })
      for (const waiter of [...waiters]) {
        if (received.length >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1)
          waiter.resolve()
        }
      }
      return new Response('ok')
    },
  })
  return {
    url: `http://127.0.0.1:${server.port}/plaid/webhook`,
    received,
    attempts: () => attempts,
    /** Resolves once `count` webhooks have arrived; rejects after `timeoutMs`. */
    waitFor(count: number, timeoutMs = 5_000): Promise<void> {
      if (received.length >= count) return Promise.resolve()
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`expected ${count} webhooks, got ${received.length}`)),
          timeoutMs,
        )
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer)
            resolve()
          },
        })
      })
    },
    stop: () => server.stop(true),
  }
}

/** The Plaid error body of a failed official-client call (axios error), or a thrown error if it succeeded. */
export async function plaidFailure(call: Promise<unknown>): Promise<{ status: number; data: Json }> {
  try {
    await call
  } catch (error) {
    const response = (error as { response?: { status: number; data: Json } }).response
    if (response) return { status: response.status, data: response.data }
    throw error
  }
  throw new Error('expected the Plaid call to fail')
}
