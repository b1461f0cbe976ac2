import { describe, expect, test } from 'bun:test'
import { Configuration, PlaidApi, Products } from 'plaid'
import { SIMULATOR_DEFAULT_CLIENT_ID, SIMULATOR_DEFAULT_SECRET } from '../src/simulator/index.ts'
import { tempDir } from './helpers/config.ts'
import { childEnv, freePort, MAIN, startTally } from './helpers/process.ts'

const clientFor = (basePath: string) =>
  new PlaidApi(
    new Configuration({
      basePath,
      baseOptions: {
        headers: { 'PLAID-CLIENT-ID': SIMULATOR_DEFAULT_CLIENT_ID, 'PLAID-SECRET': SIMULATOR_DEFAULT_SECRET },
      },
    }),
  )

/** The `plaid: …` start-up line of a JSON log. */
function plaidLine(output: string): { plaidEnv: string; basePath: string; inProcess: boolean } {
  const line = output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l))
    .find((l) => typeof l.msg === 'string' && l.msg.startsWith('plaid: '))
  expect(line).toBeDefined()
  return line
}

describe('Plaid simulator modes of tally serve', () => {
  test('development with no Plaid credentials runs the simulator in-process on loopback', async () => {
    const tally = await startTally({ NODE_ENV: 'development', DATA_DIR: tempDir() })
    try {
      const plaid = plaidLine(tally.output())
      expect(plaid).toMatchObject({ plaidEnv: 'simulator', inProcess: true })
      expect(plaid.basePath).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const { data } = await clientFor(plaid.basePath).institutionsGetById({
        institution_id: 'ins_109508',
        country_codes: ['US' as never],
      })
      expect(data.institution.name).toBe('First Platypus Bank')
    } finally {
      expect(await tally.stop()).toBe(0)
    }
  }, 60_000)

  test('`tally simulator` runs standalone and PLAID_SIMULATOR_URL makes serve use it', async () => {
    const port = freePort()
    const simulator = Bun.spawn(['bun', MAIN, 'simulator', '--port', String(port), '--seed', '7'], {
      env: childEnv({}),
      cwd: tempDir(),
      stdout: 'pipe',
      stderr: 'pipe',
    })
    try {
      const url = `http://127.0.0.1:${port}`
      const reader = simulator.stdout.getReader()
      const { value } = await reader.read()
      expect(new TextDecoder().decode(value)).toContain(`listening on ${url}`)
      const { data } = await clientFor(url).sandboxPublicTokenCreate({
        institution_id: 'ins_109508',
        initial_products: [Products.Transactions],
      })
      expect(data.public_token).toMatch(/^public-sandbox-/)

      const tally = await startTally({
        NODE_ENV: 'development',
        DATA_DIR: tempDir(),
        PLAID_SIMULATOR_URL: url,
      })
      expect(plaidLine(tally.output())).toMatchObject({
        plaidEnv: 'simulator',
        basePath: url,
        inProcess: false,
      })
      expect(await tally.stop()).toBe(0)
    } finally {
      simulator.kill('SIGTERM')
      expect(await simulator.exited).toBe(0)
    }
  }, 60_000)
})
