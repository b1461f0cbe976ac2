import { expect, test } from 'bun:test'
import { Writable } from 'node:stream'
import { createLogger } from './logger.ts'

function capture(level: Parameters<typeof createLogger>[0]['level']) {
  const lines: string[] = []
  const logger = createLogger({
    level,
    format: 'json',
    destination: { write: (line: string) => lines.push(line) },
  })
  return { logger, lines }
}

test('LOG_LEVEL is honoured: lines below it are not written', () => {
  const { logger, lines } = capture('warn')
  logger.debug('debug line')
  logger.info('info line')
  logger.warn('warn line')
  logger.error('error line')
  expect(lines.map((line) => JSON.parse(line).msg)).toEqual(['warn line', 'error line'])
  expect(JSON.parse(lines[0] as string)).toMatchObject({
    level: 'warn',
    service: 'tally',
    time: expect.any(String),
  })
})

test('trace writes everything; fatal almost nothing', () => {
  const trace = capture('trace')
  trace.logger.trace('t')
  expect(trace.lines).toHaveLength(1)
  const fatal = capture('fatal')
  fatal.logger.error('e')
  expect(fatal.lines).toHaveLength(0)
})

test('the pretty format writes one human-readable line per event, still redacted', () => {
  const chunks: string[] = []
  const destination = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk))
      done()
    },
  })
  const logger = createLogger({ level: 'info', format: 'pretty', destination })
  logger.info({ token: 'tok-secret', route: '/health' }, 'request')
  const text = chunks.join('')
  expect(text.trim().split('\n')).toHaveLength(1)
  expect(text).toContain('request')
  expect(text).not.toContain('tok-secret')
})
