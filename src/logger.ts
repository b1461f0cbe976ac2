import pino, { type DestinationStream, type Logger } from 'pino'
import pretty from 'pino-pretty'
import type { Config } from './config/index.ts'

export type { Logger }

/**
 * Field names whose values are credentials. pino replaces them before a line is written, so a careless
 * `log.info({ body })` cannot leak a password or token. One level of nesting (`*.x`) covers the objects
 * we log (request summaries, Plaid call summaries, job payloads).
 */
const SECRET_FIELDS = [
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'currentPassword',
  'newPassword',
  'token',
  'sessionToken',
  'accessToken',
  'access_token',
  'publicToken',
  'public_token',
  'secret',
  'client_secret',
  'encryptionKey',
  'ENCRYPTION_KEY',
  'PLAID_SECRET',
  'DATABASE_URL',
]
export const REDACT_PATHS = [
  ...SECRET_FIELDS.map((field) => `["${field}"]`),
  ...SECRET_FIELDS.map((field) => `*["${field}"]`),
  ...SECRET_FIELDS.map((field) => `*.headers["${field}"]`),
]

export interface LoggerOptions {
  level: Config['LOG_LEVEL']
  format: Config['LOG_FORMAT']
  /** Where lines go; tests pass a capturing stream. Defaults to `fd`. */
  destination?: DestinationStream
  /** 1 (stdout, the default: a server's logs are its output) or 2 (stderr, for one-shot commands
   *  whose stdout is their result). */
  fd?: 1 | 2
}

export function createLogger({ level, format, destination, fd = 1 }: LoggerOptions): Logger {
  const options = {
    level,
    base: { service: 'tally' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  }
  if (format === 'pretty') {
    // pino-pretty as an in-process stream rather than a worker transport: transports spawn worker
    // threads from files on disk, which a compiled single-file binary does not have.
    return pino(
      options,
      pretty({
        sync: true,
        // One line per event: a request log that scrolls by in a terminal stays readable.
        singleLine: true,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname,service',
        destination: destination ?? fd,
      }),
    )
  }
  return pino(options, destination ?? pino.destination({ fd, sync: true }))
}
