export type Encoding = 'br' | 'gzip' | 'identity'

/** Ties go to the smaller representation. */
const PREFERENCE: Encoding[] = ['br', 'gzip', 'identity']

/**
 * Picks the representation to send from an Accept-Encoding header (RFC 9110 §12.5.3), among the ones
 * that exist for this file. A coding with q=0 is refused; `*` stands for every coding not named;
 * identity is acceptable unless refused by name or by `*;q=0`. When the client refuses everything we
 * still send identity: a 406 for a script or stylesheet helps nobody.
 */
export function negotiateEncoding(header: string | null, available: readonly Encoding[]): Encoding {
  const weights = parseAcceptEncoding(header ?? '')
  const weightOf = (encoding: Encoding): number => {
    const named = weights.get(encoding) ?? (encoding === 'gzip' ? weights.get('x-gzip') : undefined)
    if (named !== undefined) return named
    const star = weights.get('*')
    if (star !== undefined) return star
    return encoding === 'identity' ? 0.001 : 0
  }
  let best: Encoding = 'identity'
  let bestWeight = 0
  for (const encoding of PREFERENCE) {
    if (encoding !== 'identity' && !available.includes(encoding)) continue
    const weight = weightOf(encoding)
    if (weight > bestWeight) {
      best = encoding
      bestWeight = weight
    }
  }
  return best
}

function parseAcceptEncoding(header: string): Map<string, number> {
  const weights = new Map<string, number>()
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';').map((piece) => piece.trim())
    if (!name) continue
    let q = 1
    for (const param of params) {
      const match = /^q\s*=\s*([01](?:\.\d{0,3})?)$/i.exec(param)
      if (match) q = Number(match[1])
    }
    weights.set(name.toLowerCase(), Math.min(1, q))
  }
  return weights
}
