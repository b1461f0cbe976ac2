/**
 * Names from the environment that are probably misspelt Tally variables: a case-insensitive match, or
 * an edit distance (with transpositions, so PLAID_SECERT → PLAID_SECRET) of one for short names and two
 * for long ones. Short names get less slack so that HOME or PATH are not mistaken for HOST or PORT.
 */
export function findLikelyTypos(
  presentNames: Iterable<string>,
  knownNames: readonly string[],
): { name: string; intended: string }[] {
  const known = new Set(knownNames)
  const typos: { name: string; intended: string }[] = []
  for (const name of presentNames) {
    if (known.has(name)) continue
    const upper = name.toUpperCase()
    const intended = knownNames.find((candidate) => {
      if (candidate === upper) return true
      const allowed = candidate.length >= 8 ? 2 : 1
      return Math.abs(candidate.length - name.length) <= allowed && editDistance(upper, candidate) <= allowed
    })
    if (intended) typos.push({ name, intended })
  }
  return typos
}

/** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1
  const cols = b.length + 1
  const d: number[] = new Array(rows * cols).fill(0)
  const at = (i: number, j: number) => d[i * cols + j] as number
  for (let i = 0; i < rows; i++) d[i * cols] = i
  for (let j = 0; j < cols; j++) d[j] = j
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1)
      d[i * cols + j] = best
    }
  }
  return at(a.length, b.length)
}
