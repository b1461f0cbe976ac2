/**
 * RFC 4180 CSV, safe to open in a spreadsheet: CRLF line ends; a field containing a comma, quote, CR or
 * LF is quoted, with quotes doubled; and text that a spreadsheet would run as a formula (OWASP: a cell
 * starting with = + - @ tab or CR) gets a leading apostrophe, which spreadsheets show as text.
 */

/** A value written as-is: numbers and booleans (never a formula, never prefixed). */
export interface Literal {
  readonly literal: string
}

/** A decimal string (as postgres.js returns numeric) for a numeric column: "-12.50" stays a number. */
export function decimal(value: string): Literal | string {
  return /^-?\d+(\.\d+)?$/.test(value) ? { literal: value } : value
}

export type Cell = string | null | boolean | Literal

const FORMULA_START = /^[=+\-@\t\r]/
const NEEDS_QUOTES = /[",\r\n]/

function quote(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export function csvCell(cell: Cell): string {
  if (cell === null) return ''
  if (typeof cell === 'boolean') return cell ? 'true' : 'false'
  if (typeof cell === 'object') return quote(cell.literal)
  return quote(FORMULA_START.test(cell) ? `'${cell}` : cell)
}

export const csvLine = (cells: readonly Cell[]) => `${cells.map(csvCell).join(',')}\r\n`

/**
 * A byte stream of the header and then each batch of lines as the consumer pulls it: one batch is
 * held in memory at a time (a pull-based stream asks for the next batch only when the previous one was
 * taken). `onError` sees a failure after the response started, when it can no longer become a problem
 * response; the stream is then aborted so the client sees an incomplete download, not a short file.
 */
export function csvStream<T>(
  header: readonly string[],
  batches: AsyncIterator<readonly T[]>,
  toCells: (row: T) => readonly Cell[],
  onError: (error: unknown) => void,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode(csvLine(header)))
      },
      async pull(controller) {
        try {
          const next = await batches.next()
          if (next.done) {
            controller.close()
            return
          }
          controller.enqueue(encoder.encode(next.value.map((row) => csvLine(toCells(row))).join('')))
        } catch (error) {
          onError(error)
          controller.error(error)
        }
      },
      async cancel() {
        await batches.return?.()
      },
    },
    { highWaterMark: 1 },
  )
}
