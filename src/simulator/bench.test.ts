import { expect, test } from 'bun:test'
import { FIXED_NOW, type Json, startHarness } from './testing/harness.ts'

// Benchmark-sized items: generation plus a full page-by-page sync of 100,000 transactions.
test('an item of 100,000 transactions generates and syncs page by page (count 500) with no duplicates', async () => {
  const harness = await startHarness({ now: () => FIXED_NOW, transactionsPerItem: 100_000 })
  try {
    const started = performance.now()
    const { accessToken, itemId } = await harness.linkItem()
    const linked = performance.now()
    const seen = new Set<string>()
    let cursor = ''
    let pages = 0
    for (;;) {
      const { data } = await harness.client.transactionsSync({
        access_token: accessToken,
        cursor,
        count: 500,
      })
      pages++
      for (const transaction of data.added) seen.add(transaction.transaction_id)
      cursor = data.next_cursor
      if (!data.has_more) break
    }
    const synced = performance.now()
    expect(seen.size).toBe(100_000)
    expect(pages).toBe(200)
    const state = await harness.control('GET', '/simulator/state')
    expect(state.body.items.find((item: Json) => item.item_id === itemId).transactions).toBe(100_000)
    Bun.gc(true)
    console.info(
      `100k item: generate+link ${(linked - started).toFixed(0)} ms, sync ${pages} pages ${(synced - linked).toFixed(0)} ms, heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`,
    )
    // A loose bound that only catches pathological regressions on a slow machine.
    expect(synced - started).toBeLessThan(45_000)
  } finally {
    await harness.stop()
  }
}, 60_000)
