import { join } from 'node:path'
import { tempDir } from './config.ts'

export const MAIN = join(import.meta.dir, '../../src/main.ts')

/** A port nobody is listening on right now. */
export function freePort(): number {
  const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() })
  const port = server.port as number
  server.stop(true)
  return port
}

/**
 * The environment a child process gets: only what is given, plus PATH and HOME, and it runs in an
 * empty folder so no developer's .env or bunfig.toml leaks in.
 */
export function childEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env }
}

export interface Finished {
  code: number
  stdout: string
  stderr: string
}

/** Runs `tally <args>` to completion. */
export async function runTally(args: string[], env: Record<string, string>): Promise<Finished> {
  const child = Bun.spawn(['bun', MAIN, ...args], {
    env: childEnv(env),
    cwd: tempDir(),
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ])
  return { code, stdout, stderr }
}

export interface RunningTally {
  url: string
  process: Bun.Subprocess<'ignore', 'pipe', 'pipe'>
  /** Output so far (stdout and stderr interleaved). */
  output(): string
  /** Sends a signal and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number>
}

/** Starts `tally serve` and waits until /health answers 200 (or the process dies, or the timeout passes). */
export async function startTally(env: Record<string, string>, timeoutMs = 20_000): Promise<RunningTally> {
  const port = env.PORT ? Number(env.PORT) : freePort()
  const child = Bun.spawn(['bun', MAIN, 'serve'], {
    env: childEnv({ PORT: String(port), HOST: '127.0.0.1', LOG_FORMAT: 'json', ...env }),
    cwd: tempDir(),
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  })
  let output = ''
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder()
    for await (const chunk of stream) output += decoder.decode(chunk)
  }
  void collect(child.stdout)
  void collect(child.stderr)
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`tally serve exited with ${child.exitCode}:\n${output}`)
    try {
      const response = await fetch(`${url}/health`)
      if (response.status === 200) break
    } catch {
      // not listening yet
    }
    await Bun.sleep(100)
  }
  if (Date.now() >= deadline) {
    child.kill('SIGKILL')
    throw new Error(`tally serve did not become healthy within ${timeoutMs} ms:\n${output}`)
  }
  return {
    url,
    process: child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      child.kill(signal)
      return child.exited
    },
  }
}
