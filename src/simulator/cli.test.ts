import { describe, expect, test } from 'bun:test'
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose'
import { CountryCode, Products } from 'plaid'
import { parseSimulatorArgs, runSimulatorCommand, UsageError } from './cli.ts'
import { SIMULATOR_DEFAULT_CLIENT_ID, SIMULATOR_DEFAULT_SECRET } from './index.ts'
import { plaidClient, startWebhookReceiver } from './testing/harness.ts'

function captureIo() {
  let stdout = ''
  let stderr = ''
  return {
    io: {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    },
    out: () => stdout,
    err: () => stderr,
  }
}

describe('tally simulator arguments', () => {
  test('defaults and every option', () => {
    expect(parseSimulatorArgs([])).toEqual({
      port: 4010,
      host: '127.0.0.1',
      seed: 1,
      clientId: SIMULATOR_DEFAULT_CLIENT_ID,
      secret: SIMULATOR_DEFAULT_SECRET,
      transactions: null,
    })
    expect(
      parseSimulatorArgs([
        '--port',
        '0',
        '--host=::1',
        '--seed',
        '42',
        '--client-id',
        'id',
        '--secret=s',
        '--transactions',
        '100000',
      ]),
    ).toEqual({ port: 0, host: '::1', seed: 42, clientId: 'id', secret: 's', transactions: 100000 })
    expect(parseSimulatorArgs(['--help'])).toBeNull()
  })

  test.each([
    [['--port', '70000'], '--port must be between 0 and 65535'],
    [['--port', 'abc'], '--port must be a whole number'],
    [['--seed', '-3'], '--seed must be a whole number'],
    [['--seed', '1.5'], '--seed must be a whole number'],
    [['--secret', ''], '--secret must not be empty'],
    [['--frobnicate', '1'], 'unknown option --frobnicate'],
    [['--port'], '--port needs a value'],
    [['--port', '1', '--port', '2'], '--port given more than once'],
    [['serve'], 'unexpected argument "serve"'],
  ])('%j is rejected: %s', (args, message) => {
    expect(() => parseSimulatorArgs(args)).toThrow(UsageError)
    expect(() => parseSimulatorArgs(args)).toThrow(message)
  })

  test('bad arguments exit 2 with a readable message on stderr; --help exits 0', async () => {
    const bad = captureIo()
    expect(await runSimulatorCommand(['--port', 'x'], bad.io)).toBe(2)
    expect(bad.err()).toContain('tally simulator: --port must be a whole number')
    expect(bad.err()).toContain('Usage: tally simulator')
    expect(bad.out()).toBe('')
    const help = captureIo()
    expect(await runSimulatorCommand(['--help'], help.io)).toBe(0)
    expect(help.out()).toContain('--client-id')
  })
})

describe('tally simulator as a process', () => {
  test('starts, serves the official client end to end (link, sync, signed webhook), and exits 0 on SIGTERM', async () => {
    const child = Bun.spawn(
      [
        'bun',
        new URL('./run.ts', import.meta.url).pathname,
        '--port',
        '0',
        '--client-id',
        'cli-id',
        '--secret',
        'cli-secret',
      ],
      {
        stdout: 'pipe',
        stderr: 'pipe',
      },
    )
    const receiver = startWebhookReceiver()
    try {
      const reader = child.stdout.getReader()
      let output = ''
      const deadline = Date.now() + 15_000
      while (!output.includes('\n') && Date.now() < deadline) {
        const chunk = await reader.read()
        if (chunk.done) break
        output += new TextDecoder().decode(chunk.value)
      }
      reader.releaseLock()
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1]
      expect(url).toStartWith('http://127.0.0.1:')
      const client = plaidClient({ url: url ?? '', clientId: 'cli-id', secret: 'cli-secret' })
      const { data } = await client.institutionsGetById({
        institution_id: 'ins_109508',
        country_codes: [CountryCode.Us],
      })
      expect(data.institution.name).toBe('First Platypus Bank')

      // The acceptance script, with nothing but the official client and jose.
      const created = await client.sandboxPublicTokenCreate({
        institution_id: 'ins_109508',
        initial_products: [Products.Transactions],
        options: { webhook: receiver.url },
      })
      const exchanged = await client.itemPublicTokenExchange({ public_token: created.data.public_token })
      const accessToken = exchanged.data.access_token
      expect((await client.accountsGet({ access_token: accessToken })).data.accounts).toHaveLength(3)
      const ids = new Set<string>()
      let cursor = ''
      let total = 0
      for (;;) {
        const page = (await client.transactionsSync({ access_token: accessToken, cursor, count: 500 })).data
        total += page.added.length
        for (const transaction of page.added) ids.add(transaction.transaction_id)
        cursor = page.next_cursor
        if (!page.has_more) break
      }
      expect(total).toBeGreaterThan(1000)
      expect(ids.size).toBe(total)
      await receiver.waitFor(1)
      const webhook = receiver.received[0]
      const kid = String(decodeProtectedHeader(webhook?.signature ?? '').kid)
      const jwk = (await client.webhookVerificationKeyGet({ key_id: kid })).data.key
      const verified = await jwtVerify(webhook?.signature ?? '', await importJWK(jwk, 'ES256'), {
        maxTokenAge: '5 min',
      })
      const digest = new Bun.CryptoHasher('sha256').update(webhook?.body ?? '').digest('hex')
      expect(verified.payload.request_body_sha256).toBe(digest)

      const wrong = plaidClient({
        url: url ?? '',
        clientId: SIMULATOR_DEFAULT_CLIENT_ID,
        secret: SIMULATOR_DEFAULT_SECRET,
      })
      const failure = await wrong
        .institutionsGetById({ institution_id: 'ins_109508', country_codes: [CountryCode.Us] })
        .catch((e) => e.response)
      expect(failure.data.error_code).toBe('INVALID_API_KEYS')
      child.kill('SIGTERM')
      expect(await child.exited).toBe(0)
      const logs = await new Response(child.stderr).text()
      expect(logs).toContain('plaid simulator stopped')
      expect(logs).not.toContain('cli-secret')
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
      receiver.stop()
    }
  }, 30_000)
})
