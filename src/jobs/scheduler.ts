import type { Logger } from '../logger.ts'
import { describeThrown } from './error-text.ts'

export interface PeriodicOptions {
  /** Name in the logs. */
  name: string
  intervalMs: number
  /** Given a signal that aborts when the schedule is stopped. */
  run: (context: { signal: AbortSignal }) => Promise<void>
  logger: Logger
  /** Delay before the first run (default: one interval). */
  firstRunAfterMs?: number
}

export interface Periodic {
  /** Cancels the next run, aborts the current one's signal and waits for it to end. */
  stop(): Promise<void>
}

/**
 * Runs `run` on a fixed rhythm, never two at once: the next run is due one interval after the previous
 * one started, and a run that overran the interval is followed at the next multiple of the interval
 * rather than immediately (a slow sweep does not turn into back-to-back sweeps). Failures are logged
 * and do not stop the schedule.
 */
export function startPeriodic({
  name,
  intervalMs,
  run,
  logger,
  firstRunAfterMs = intervalMs,
}: PeriodicOptions): Periodic {
  if (!(intervalMs > 0)) throw new RangeError(`${name}: intervalMs must be positive, got ${intervalMs}`)
  const log = logger.child({ component: 'periodic', task: name })
  const controller = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  let current: Promise<void> | undefined

  const schedule = (delayMs: number) => {
    if (controller.signal.aborted) return
    timer = setTimeout(tick, Math.max(0, delayMs))
  }

  function tick() {
    timer = undefined
    const started = performance.now()
    // Through a promise so that a run that throws synchronously is handled like one that rejects.
    current = Promise.resolve()
      .then(() => run({ signal: controller.signal }))
      .then(() => log.debug({ duration_ms: Math.round(performance.now() - started) }, 'periodic task ran'))
      .catch((error) =>
        log.error(
          { duration_ms: Math.round(performance.now() - started), err: describeThrown(error) },
          'periodic task failed',
        ),
      )
      .finally(() => {
        current = undefined
        const elapsed = performance.now() - started
        schedule(intervalMs - (elapsed % intervalMs))
      })
  }

  schedule(firstRunAfterMs)
  return {
    async stop() {
      controller.abort(new Error(`${name} is stopping`))
      if (timer) clearTimeout(timer)
      timer = undefined
      await current
    },
  }
}
