import type { Static, TObject } from '@sinclair/typebox'
import type { SimulatorCore } from '../core.ts'
import type { ErrorCode } from '../errors.ts'
import type { FaultDecision } from '../faults.ts'

export type RouteContext = { readonly core: SimulatorCore; readonly faults: FaultDecision }

/** A Plaid endpoint: its request schema and a handler that returns the response minus `request_id`. */
export type PlaidRoute<S extends TObject = TObject> = {
  readonly path: string
  readonly schema: S
  /** The error code Plaid uses when this endpoint's rate limit trips. */
  readonly rateLimitCode: ErrorCode
  handle(context: RouteContext, body: Static<S>): object | Promise<object>
}

/** Plaid's response type without the request id the server adds. */
export type Reply<T extends { request_id: string }> = Omit<T, 'request_id'>

export function defineRoute<S extends TObject>(route: PlaidRoute<S>): PlaidRoute {
  return route as unknown as PlaidRoute
}
