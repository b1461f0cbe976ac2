import { beforeAll } from 'bun:test'
import type { PlaidApi } from 'plaid'
import { type App, createApp } from '../../src/app.ts'
import type { Config, RawEnv } from '../../src/config/index.ts'
import { createPlaidClient } from '../../src/plaid/client.ts'
import { type RunningSimulator, startSimulator } from '../../src/simulator/index.ts'
import { deferCleanup } from './cleanup.ts'
import { testConfig } from './config.ts'
import { type TestDatabase, useTestDatabase } from './db.ts'
import { type CapturedLogs, captureLogs } from './logs.ts'

export interface TestApp {
  readonly app: App
  readonly config: Config
  readonly db: TestDatabase
  readonly logs: CapturedLogs
  readonly simulator: RunningSimulator
  readonly plaid: PlaidApi
  /** The app's clock: the real time plus whatever the test has advanced it by. */
  readonly clock: TestClock
  /** `app.handle` on a path. */
  request(path: string, init?: RequestInit): Promise<Response>
}

export interface TestClock {
  now(): Date
  advance(ms: number): void
}

/**
 * Real time plus an offset the test moves. Following real time keeps it in step with the simulator's
 * clock (which signs webhooks and expires keys in real time); the offset jumps expiry deadlines.
 */
export function testClock(): TestClock {
  let offset = 0
  return {
    now: () => new Date(Date.now() + offset),
    advance: (ms) => {
      offset += ms
    },
  }
}

export interface TestAppOptions {
  env?: RawEnv
  /** Mount extra routes (e.g. probes) before the app is used. */
  extend?: (app: App) => App
}

/**
 * The whole application for one test file: its own database, a Plaid simulator on a loopback port
 * reached through the official client, and logs captured for assertions (and secret scans).
 */
export function useTestApp({ env = {}, extend = (app) => app }: TestAppOptions = {}): TestApp {
  const db = useTestDatabase()
  const logs = captureLogs('info')
  const clock = testClock()
  const state: { app?: App; config?: Config; simulator?: RunningSimulator; plaid?: PlaidApi } = {}

  beforeAll(async () => {
    state.simulator = await startSimulator({ port: 0 })
    deferCleanup(() => state.simulator?.stop())
    // The production client factory (retries, call logs), with short waits between retries.
    state.plaid = createPlaidClient({
      basePath: state.simulator.url,
      clientId: state.simulator.clientId,
      secret: state.simulator.secret,
      logger: logs.logger,
      timeoutMs: 5_000,
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
    })
    state.config = testConfig({ PLAID_SIMULATOR_URL: state.simulator.url, ...env })
    state.app = extend(
      createApp({
        config: state.config,
        sql: db.sql,
        logger: logs.logger,
        plaid: state.plaid,
        simulatorUrl: state.simulator.url,
        now: clock.now,
      }),
    )
  }, 60_000)

  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useTestApp: the app is ready only inside tests')
    return value
  }
  return {
    get app() {
      return ready(state.app)
    },
    get config() {
      return ready(state.config)
    },
    get simulator() {
      return ready(state.simulator)
    },
    get plaid() {
      return ready(state.plaid)
    },
    db,
    logs,
    clock,
    request(path, init) {
      return ready(state.app).handle(new Request(`http://localhost${path}`, init))
    },
  }
}
