import { afterAll } from 'bun:test'

let stack: (() => unknown)[] = []

/**
 * Registers teardown for the current test file, run last-in-first-out after its tests: what was set
 * up last (a worker using the database) stops before what it depends on (the database). Bun runs
 * plain afterAll hooks in declaration order, which would close the database under a running worker.
 * The first call of a file must be at its top level (useTestDatabase makes it), where afterAll can
 * be registered; later calls may come from hooks and tests.
 */
export function deferCleanup(cleanup: () => unknown): void {
  if (stack.length === 0) {
    const mine = stack
    afterAll(async () => {
      while (mine.length > 0) await mine.pop()?.()
      if (stack === mine) stack = []
    }, 60_000)
  }
  stack.push(cleanup)
}
