import { Kind, type TSchema } from '@sinclair/typebox'

export type Coerced = { ok: true; value: unknown } | { ok: false }

const TRUE = new Set(['true', '1', 'yes', 'on'])
const FALSE = new Set(['false', '0', 'no', 'off'])

/**
 * Turns the text of an environment variable into the type its schema asks for. Anything that does not
 * read cleanly (e.g. "3000abc", "1e3", "maybe") fails here rather than being half-parsed, so the error
 * shows the value the person actually wrote.
 */
export function coerce(schema: TSchema, text: string): Coerced {
  if (schema.duration) return parseDuration(text)
  switch (schema[Kind]) {
    case 'Integer':
      return /^[+-]?\d{1,16}$/.test(text) ? { ok: true, value: Number(text) } : { ok: false }
    case 'Boolean': {
      const lower = text.toLowerCase()
      if (TRUE.has(lower)) return { ok: true, value: true }
      if (FALSE.has(lower)) return { ok: true, value: false }
      return { ok: false }
    }
    case 'Array':
      return {
        ok: true,
        value: text
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item !== ''),
      }
    default:
      return { ok: true, value: text }
  }
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 }

/** "90s", "30m", "6h", "1d" or a plain number of seconds. */
function parseDuration(text: string): Coerced {
  const match = /^(\d{1,9})\s*([smhd]?)$/.exec(text.toLowerCase())
  if (!match) return { ok: false }
  return { ok: true, value: Number(match[1]) * (UNIT_SECONDS[match[2] || 's'] as number) }
}
