import { beforeAll } from 'bun:test'
import type { TestApp } from './app.ts'
import { deferCleanup } from './cleanup.ts'
import { freePort } from './process.ts'

export interface Delivery {
  body: Uint8Array
  signature: string | null
}

export interface Listening {
  readonly url: string
  /** Every request that reached /api/webhooks/plaid, exactly as received. */
  readonly webhooks: Delivery[]
}

/**
 * Serves the test app over real HTTP on the port PUBLIC_URL names, so the simulator's webhooks reach
 * it; webhook deliveries are recorded byte for byte on their way in, for replay and forgery tests.
 */
export function listen(tally: TestApp, port: number): Listening {
  const webhooks: Delivery[] = []
  let server: ReturnType<typeof Bun.serve> | undefined
  beforeAll(() => {
    server = Bun.serve({
      port,
      hostname: '127.0.0.1',
      async fetch(request) {
        if (new URL(request.url).pathname === '/api/webhooks/plaid') {
          const body = new Uint8Array(await request.arrayBuffer())
          webhooks.push({ body, signature: request.headers.get('plaid-verification') })
          return tally.app.handle(
            new Request(request.url, { method: 'POST', headers: request.headers, body }),
          )
        }
        return tally.app.handle(request)
      },
    })
    deferCleanup(() => server?.stop(true))
  })
  return { url: `http://127.0.0.1:${port}`, webhooks }
}

export const listeningPort = freePort
