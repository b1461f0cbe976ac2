import { afterEach, describe, expect, test } from 'bun:test'
import { waitFor } from '../../test/fixtures/jobs.ts'
import { captureLogs } from '../../test/helpers/logs.ts'
import { type Periodic, startPeriodic } from './scheduler.ts'

let started: Periodic[] = []
afterEach(async () => {
  await Promise.all(started.map((p) => p.stop()))
  started = []
})

function periodic(options: Omit<Parameters<typeof startPeriodic>[0], 'logger' | 'name'>) {
  const logs = captureLogs()
  const handle = startPeriodic({ name: 'test-sweep', logger: logs.logger, ...options })
  started.push(handle)
  return { handle, logs }
}

describe('startPeriodic', () => {
  test('first run after one interval by default, then every interval', async () => {
    const runs: number[] = []
    const begin = performance.now()
    periodic({ intervalMs: 60, run: async () => void runs.push(performance.now() - begin) })
    await waitFor('three runs', () => runs.length >= 3, { timeoutMs: 2_000 })
    expect(runs[0]).toBeGreaterThanOrEqual(55)
    expect(runs[1]! - runs[0]!).toBeGreaterThanOrEqual(45)
    expect(runs[2]! - runs[1]!).toBeGreaterThanOrEqual(45)
  })

  test('the first run can come sooner', async () => {
    let runs = 0
    periodic({ intervalMs: 60_000, firstRunAfterMs: 0, run: async () => void runs++ })
    await waitFor('the first run', () => runs === 1, { timeoutMs: 500 })
  })

  test('runs never overlap; an overrun skips to the next tick', async () => {
    let active = 0
    let most = 0
    const starts: number[] = []
    const begin = performance.now()
    periodic({
      intervalMs: 40,
      firstRunAfterMs: 0,
      run: async () => {
        starts.push(performance.now() - begin)
        active++
        most = Math.max(most, active)
        await Bun.sleep(starts.length === 1 ? 100 : 5)
        active--
      },
    })
    await waitFor('three runs', () => starts.length >= 3, { timeoutMs: 2_000 })
    expect(most).toBe(1)
    // The first run took 100 ms, past the ticks at 40 and 80: the next one waits for the tick at 120.
    expect(starts[1]!).toBeGreaterThanOrEqual(115)
  })

  test('a failing run is logged and the schedule goes on', async () => {
    let runs = 0
    const { logs } = periodic({
      intervalMs: 20,
      firstRunAfterMs: 0,
      run: async () => {
        runs++
        if (runs === 1) throw new Error('database unavailable')
        if (runs === 2) throw 'not an error'
      },
    })
    await waitFor('a third run', () => runs >= 3, { timeoutMs: 2_000 })
    const failures = logs.lines().filter((l) => l.msg === 'periodic task failed')
    expect(failures.map((l) => l.err)).toEqual(['database unavailable', 'not an error'])
    expect(failures[0]).toMatchObject({ task: 'test-sweep', component: 'periodic' })
  })

  test('stop() cancels the next run, aborts the current one and waits for it', async () => {
    const events: string[] = []
    const { handle } = periodic({
      intervalMs: 20,
      firstRunAfterMs: 0,
      run: async ({ signal }) => {
        events.push('run')
        await new Promise((resolve) => signal.addEventListener('abort', resolve))
        await Bun.sleep(30)
        events.push('run ended')
      },
    })
    await waitFor('the run to start', () => events.length === 1, { timeoutMs: 500 })
    await handle.stop()
    events.push('stopped')
    await Bun.sleep(80)
    expect(events).toEqual(['run', 'run ended', 'stopped'])
  })

  test('stop() before the first run means it never runs', async () => {
    let runs = 0
    const { handle } = periodic({ intervalMs: 30, run: async () => void runs++ })
    await handle.stop()
    await Bun.sleep(80)
    expect(runs).toBe(0)
  })

  test('refuses a non-positive interval', () => {
    expect(() =>
      startPeriodic({ name: 'x', intervalMs: 0, run: async () => {}, logger: captureLogs().logger }),
    ).toThrow(/intervalMs must be positive/)
  })
})
