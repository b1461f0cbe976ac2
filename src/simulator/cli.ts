import {
  SIMULATOR_DEFAULT_CLIENT_ID,
  SIMULATOR_DEFAULT_HOST,
  SIMULATOR_DEFAULT_SECRET,
  SIMULATOR_DEFAULT_SEED,
  startSimulator,
} from './index.ts'
import type { SimulatorLogger } from './logger.ts'

export type CommandIo = {
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
}

const USAGE = `Usage: tally simulator [options]

Runs the offline Plaid simulator (Plaid's API, Sandbox data, signed webhooks).

Options:
  --port N              port to listen on, 0 for any free port (default 4010)
  --host H              address to bind (default ${SIMULATOR_DEFAULT_HOST})
  --seed N              seed for all generated data, a non-negative integer (default ${SIMULATOR_DEFAULT_SEED})
  --client-id ID        client id to accept (default ${SIMULATOR_DEFAULT_CLIENT_ID})
  --secret S            secret to accept (default: the documented development secret)
  --transactions N      give each new item exactly N transactions (benchmarks)
  --help                show this help
`

export type SimulatorArgs = {
  port: number
  host: string
  seed: number
  clientId: string
  secret: string
  transactions: number | null
}

export class UsageError extends Error {}

function integer(flag: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a whole number, got "${value}"`)
  const number = Number(value)
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw new UsageError(`${flag} must be between ${min} and ${max}, got ${value}`)
  }
  return number
}

/** Returns null for --help. Accepts `--flag value` and `--flag=value`. */
export function parseSimulatorArgs(args: readonly string[]): SimulatorArgs | null {
  const parsed: SimulatorArgs = {
    port: 4010,
    host: SIMULATOR_DEFAULT_HOST,
    seed: SIMULATOR_DEFAULT_SEED,
    clientId: SIMULATOR_DEFAULT_CLIENT_ID,
    secret: SIMULATOR_DEFAULT_SECRET,
    transactions: null,
  }
  const seen = new Set<string>()
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === '--help' || arg === '-h') return null
    const equals = arg.indexOf('=')
    const flag = equals > 0 ? arg.slice(0, equals) : arg
    if (!flag.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`)
    if (seen.has(flag)) throw new UsageError(`${flag} given more than once`)
    seen.add(flag)
    let value: string
    if (equals > 0) value = arg.slice(equals + 1)
    else {
      const next = args[i + 1]
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag} needs a value`)
      value = next
      i++
    }
    switch (flag) {
      case '--port':
        parsed.port = integer(flag, value, 0, 65535)
        break
      case '--host':
        if (value.trim() === '') throw new UsageError('--host must not be empty')
        parsed.host = value
        break
      case '--seed':
        parsed.seed = integer(flag, value, 0, 2 ** 32 - 1)
        break
      case '--client-id':
        if (value === '') throw new UsageError('--client-id must not be empty')
        parsed.clientId = value
        break
      case '--secret':
        if (value === '') throw new UsageError('--secret must not be empty')
        parsed.secret = value
        break
      case '--transactions':
        parsed.transactions = integer(flag, value, 0, 1_000_000)
        break
      default:
        throw new UsageError(`unknown option ${flag}`)
    }
  }
  return parsed
}

/** One JSON line per event on stderr, so stdout carries only the URL for scripts to read. */
function lineLogger(io: CommandIo): SimulatorLogger {
  const write = (level: string) => (obj: object, msg?: string) =>
    io.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), msg, ...obj })}\n`)
  return { info: write('info'), warn: write('warn'), error: write('error') }
}

/** `tally simulator`: runs until SIGINT or SIGTERM, then stops cleanly. Exit code 2 for bad arguments. */
export async function runSimulatorCommand(
  args: string[],
  io: CommandIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  let options: SimulatorArgs | null
  try {
    options = parseSimulatorArgs(args)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.stderr.write(`tally simulator: ${error.message}\n\n${USAGE}`)
    return 2
  }
  if (options === null) {
    io.stdout.write(USAGE)
    return 0
  }
  let simulator: Awaited<ReturnType<typeof startSimulator>>
  try {
    simulator = await startSimulator({
      port: options.port,
      host: options.host,
      seed: options.seed,
      clientId: options.clientId,
      secret: options.secret,
      transactionsPerItem: options.transactions,
      logger: lineLogger(io),
    })
  } catch (error) {
    io.stderr.write(
      `tally simulator: could not start: ${error instanceof Error ? error.message : String(error)}\n`,
    )
    return 1
  }
  io.stdout.write(`Plaid simulator listening on ${simulator.url}\n`)
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  await simulator.stop()
  return 0
}
