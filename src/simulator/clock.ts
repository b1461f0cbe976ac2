import { DAY_MS, dayOf } from './dates.ts'

/**
 * The simulated clock: the base clock (real time unless the caller injects one) plus an offset that
 * only moves forward through the control API. Token expiry and bank activity follow it; webhook
 * signatures follow the base clock, because receivers check `iat` against their own wall clock.
 */
export type SimClock = {
  now(): Date
  today(): number
  base(): Date
  offsetMs(): number
  advance(ms: number): void
}

export function createSimClock(base: () => Date = () => new Date()): SimClock {
  let offset = 0
  const now = () => new Date(base().getTime() + offset)
  return {
    now,
    today: () => dayOf(now()),
    base,
    offsetMs: () => offset,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the simulated clock only moves forward')
      offset += ms
    },
  }
}

export const durations = { minute: 60_000, hour: 3_600_000, day: DAY_MS } as const
