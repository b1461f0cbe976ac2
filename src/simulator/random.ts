/**
 * Seeded randomness. Every generated value derives from the simulator seed plus a few labels
 * (item, day, purpose), so one seed always replays the same bank, independent of call order.
 */
export type Random = {
  /** Uniform in [0, 1). */
  next(): number
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number
  chance(probability: number): boolean
  pick<T>(items: readonly T[]): T
  weighted<T extends { readonly weight: number }>(items: readonly T[]): T
}

// cyrb128: a tiny, well-mixed string hash that yields the 128 bits sfc32 needs as its state.
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703
  let h2 = 3144134277
  let h3 = 1013904242
  let h4 = 2773480762
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i)
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  h1 ^= h2 ^ h3 ^ h4
  h2 ^= h1
  h3 ^= h1
  h4 ^= h1
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0]
}

// sfc32: small, fast and passes PractRand; plenty for test data.
function sfc32(seed: [number, number, number, number]): () => number {
  let [a, b, c, d] = seed
  return () => {
    a |= 0
    b |= 0
    c |= 0
    d |= 0
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
}

export function createRandom(...labels: ReadonlyArray<string | number>): Random {
  const next = sfc32(cyrb128(labels.join('\u001f')))
  // The first outputs of sfc32 are weakly mixed when seeds differ in few bits.
  for (let i = 0; i < 12; i++) next()
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  return {
    next,
    int,
    chance: (probability) => next() < probability,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('pick from an empty list')
      return items[int(0, items.length - 1)] as T
    },
    weighted: <T extends { readonly weight: number }>(items: readonly T[]): T => {
      let total = 0
      for (const item of items) total += item.weight
      let target = next() * total
      for (const item of items) {
        target -= item.weight
        if (target < 0) return item
      }
      const last = items[items.length - 1]
      if (last === undefined) throw new RangeError('weighted pick from an empty list')
      return last
    },
  }
}
