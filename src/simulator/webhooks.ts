import type { Keyring } from './keys.ts'
import type { SimulatorLogger } from './logger.ts'

export type WebhookPayload = {
  readonly webhook_type: string
  readonly webhook_code: string
  readonly item_id?: string
  readonly [field: string]: unknown
}

export type WebhookDelivery = {
  readonly id: number
  readonly url: string
  readonly webhookType: string
  readonly webhookCode: string
  readonly itemId: string | null
  readonly body: string
  readonly createdAt: string
  attempts: number
  status: 'pending' | 'delivered' | 'failed'
  lastStatus: number | null
  lastError: string | null
}

export type WebhookSender = {
  send(url: string, payload: WebhookPayload): WebhookDelivery
  deliveries(): readonly WebhookDelivery[]
  /** Resolves when no delivery is in flight or waiting to retry. */
  idle(): Promise<void>
  close(): void
}

export type WebhookSenderOptions = {
  readonly keyring: Keyring
  readonly logger: SimulatorLogger
  /** Waits before each retry; Plaid retries a failed delivery a few times with backoff. */
  readonly retryDelaysMs?: readonly number[]
  readonly timeoutMs?: number
  readonly now: () => Date
}

const DEFAULT_RETRY_DELAYS_MS = [250, 1_000, 4_000]
const KEPT_DELIVERIES = 500

/** Only the origin is logged: a webhook URL's path or query may carry a secret. */
function originOf(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return 'invalid-url'
  }
}

export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const retryDelays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS
  const timeoutMs = options.timeoutMs ?? 10_000
  const log: WebhookDelivery[] = []
  const inFlight = new Set<Promise<void>>()
  const timers = new Set<ReturnType<typeof setTimeout>>()
  const controllers = new Set<AbortController>()
  let waiters: Array<() => void> = []
  let sequence = 0
  let closed = false

  const settleWaiters = () => {
    if (inFlight.size > 0 || timers.size > 0) return
    const done = waiters
    waiters = []
    for (const resolve of done) resolve()
  }

  async function attempt(delivery: WebhookDelivery): Promise<void> {
    delivery.attempts++
    const controller = new AbortController()
    controllers.add(controller)
    const timer = setTimeout(() => controller.abort(), timeoutMs)
    try {
      // Signed per attempt: `iat` must be fresh for receivers that reject stale tokens.
      const signature = await options.keyring.sign(delivery.body)
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'plaid-verification': signature,
          'user-agent': 'Plaid Verifier',
        },
        body: delivery.body,
        redirect: 'manual',
        signal: controller.signal,
      })
      await response.arrayBuffer().catch(() => undefined)
      delivery.lastStatus = response.status
      delivery.lastError = response.ok ? null : `HTTP ${response.status}`
      if (response.ok) delivery.status = 'delivered'
    } catch (error) {
      delivery.lastError = error instanceof Error ? error.message : String(error)
    } finally {
      clearTimeout(timer)
      controllers.delete(controller)
    }
    const fields = {
      webhook_type: delivery.webhookType,
      webhook_code: delivery.webhookCode,
      item_id: delivery.itemId,
      receiver: originOf(delivery.url),
      attempt: delivery.attempts,
      status: delivery.lastStatus,
    }
    if (delivery.status === 'delivered') {
      options.logger.info(fields, 'simulator webhook delivered')
      return
    }
    const delay = retryDelays[delivery.attempts - 1]
    if (delay === undefined || closed) {
      delivery.status = 'failed'
      options.logger.warn({ ...fields, error: delivery.lastError }, 'simulator webhook delivery failed')
      return
    }
    options.logger.warn(
      { ...fields, error: delivery.lastError, retry_in_ms: delay },
      'simulator webhook will be retried',
    )
    const retry = setTimeout(() => {
      timers.delete(retry)
      track(attempt(delivery))
    }, delay)
    timers.add(retry)
  }

  function track(promise: Promise<void>) {
    inFlight.add(promise)
    promise.finally(() => {
      inFlight.delete(promise)
      settleWaiters()
    })
  }

  return {
    send(url, payload) {
      const delivery: WebhookDelivery = {
        id: ++sequence,
        url,
        webhookType: payload.webhook_type,
        webhookCode: payload.webhook_code,
        itemId: payload.item_id ?? null,
        // Plaid sends pretty-printed JSON; receivers must hash the raw bytes, never a re-serialization.
        body: JSON.stringify(payload, null, 2),
        createdAt: options.now().toISOString(),
        attempts: 0,
        status: 'pending',
        lastStatus: null,
        lastError: null,
      }
      log.push(delivery)
      if (log.length > KEPT_DELIVERIES) log.splice(0, log.length - KEPT_DELIVERIES)
      if (closed) {
        delivery.status = 'failed'
        delivery.lastError = 'simulator stopped'
      } else {
        track(attempt(delivery))
      }
      return delivery
    },
    deliveries: () => log,
    idle() {
      if (inFlight.size === 0 && timers.size === 0) return Promise.resolve()
      return new Promise((resolve) => waiters.push(resolve))
    },
    close() {
      closed = true
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      for (const controller of controllers) controller.abort()
      settleWaiters()
    },
  }
}
