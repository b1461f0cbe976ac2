import { createLogger, type Logger } from '../../src/logger.ts'

export interface CapturedLogs {
  logger: Logger
  /** Every line written so far, parsed. */
  lines(): Record<string, unknown>[]
  /** Everything written, as text: what a secret scan reads. */
  text(): string
}

/** A real pino logger (same redaction and format as production) writing JSON lines into memory. */
export function captureLogs(level: Parameters<typeof createLogger>[0]['level'] = 'trace'): CapturedLogs {
  const chunks: string[] = []
  const logger = createLogger({
    level,
    format: 'json',
    destination: { write: (chunk: string) => chunks.push(chunk) },
  })
  return {
    logger,
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  }
}
