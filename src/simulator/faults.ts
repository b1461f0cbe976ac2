import { createRandom } from './random.ts'

/** Fault knobs for one endpoint (or `*` for all). Rates are probabilities in [0, 1]. */
export type FaultRule = {
  readonly latency_ms: number
  readonly internal_error_rate: number
  readonly rate_limit_rate: number
  readonly product_not_ready_rate: number
  /** Applies to /transactions/sync calls that continue a pagination (cursor from a has_more page). */
  readonly mutation_during_pagination_rate: number
  readonly drop_connection_rate: number
  /** Requests left before the rule retires itself; null = until cleared. */
  readonly remaining: number | null
}

export const FAULT_RATE_FIELDS = [
  'internal_error_rate',
  'rate_limit_rate',
  'product_not_ready_rate',
  'mutation_during_pagination_rate',
  'drop_connection_rate',
] as const

export const NO_FAULTS: FaultRule = {
  latency_ms: 0,
  internal_error_rate: 0,
  rate_limit_rate: 0,
  product_not_ready_rate: 0,
  mutation_during_pagination_rate: 0,
  drop_connection_rate: 0,
  remaining: null,
}

export type FaultOutcome = 'drop_connection' | 'internal_error' | 'rate_limit' | 'product_not_ready' | null

export type FaultDecision = {
  readonly latencyMs: number
  readonly outcome: FaultOutcome
  readonly mutationDuringPagination: boolean
}

export type Faults = {
  set(endpoint: string, rule: Partial<FaultRule>): FaultRule
  clear(endpoint?: string): void
  list(): Record<string, FaultRule>
  /** Draws this request's faults; consumes one use of a limited rule. */
  decide(endpoint: string): FaultDecision
}

export const ALL_ENDPOINTS = '*'

/** Fault draws come from the seed too, so a failing run can be replayed exactly. */
export function createFaults(seed: number): Faults {
  const rules = new Map<string, FaultRule>()
  const random = createRandom(seed, 'faults')

  return {
    set(endpoint, rule) {
      const merged: FaultRule = { ...NO_FAULTS, ...rule }
      rules.set(endpoint, merged)
      return merged
    },
    clear(endpoint) {
      if (endpoint === undefined) rules.clear()
      else rules.delete(endpoint)
    },
    list: () => Object.fromEntries(rules),
    decide(endpoint) {
      const key = rules.has(endpoint) ? endpoint : ALL_ENDPOINTS
      const rule = rules.get(key)
      if (!rule) return { latencyMs: 0, outcome: null, mutationDuringPagination: false }
      if (rule.remaining !== null) {
        if (rule.remaining <= 1) rules.delete(key)
        else rules.set(key, { ...rule, remaining: rule.remaining - 1 })
      }
      let outcome: FaultOutcome = null
      if (random.chance(rule.drop_connection_rate)) outcome = 'drop_connection'
      else if (random.chance(rule.internal_error_rate)) outcome = 'internal_error'
      else if (random.chance(rule.rate_limit_rate)) outcome = 'rate_limit'
      else if (random.chance(rule.product_not_ready_rate)) outcome = 'product_not_ready'
      return {
        latencyMs: rule.latency_ms,
        outcome,
        mutationDuringPagination: random.chance(rule.mutation_during_pagination_rate),
      }
    },
  }
}
