import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { CountryCode, Products, SandboxItemFireWebhookRequestWebhookCodeEnum } from 'plaid'
import { FIXED_NOW, type SimulatorHarness, startHarness, startWebhookReceiver } from './testing/harness.ts'
import { loadPlaidOpenApi, OPENAPI_PATH } from './testing/openapi.ts'

const checker = await loadPlaidOpenApi()
if (!checker) console.warn(`SKIPPED: Plaid OpenAPI schema checks — ${OPENAPI_PATH} is absent`)

describe.skipIf(!checker)(
  "responses conform to Plaid's OpenAPI schemas (../shared/plaid-openapi-2020-09-14.yml)",
  () => {
    let harness: SimulatorHarness
    let receiver: ReturnType<typeof startWebhookReceiver>
    let accessToken: string
    const conforms = (schema: string, value: unknown) => expect(checker?.check(schema, value)).toEqual([])

    beforeAll(async () => {
      harness = await startHarness({ now: () => FIXED_NOW })
      receiver = startWebhookReceiver()
      accessToken = (await harness.linkItem({ webhook: receiver.url })).accessToken
    })
    afterAll(async () => {
      await harness.stop()
      receiver.stop()
    })

    test('the check itself catches a response that breaks the schema', () => {
      const broken = { accounts: [{ account_id: 7 }], request_id: 'r' }
      expect(checker?.check('AccountsGetResponse', broken)).toEqual(
        expect.arrayContaining([
          'AccountsGetResponse.item: required field missing',
          'AccountsGetResponse.accounts[0].account_id: expected string, got integer',
        ]),
      )
    })

    test('link, item and account endpoints', async () => {
      const { client } = harness
      conforms(
        'LinkTokenCreateResponse',
        (
          await client.linkTokenCreate({
            client_name: 'Tally',
            language: 'en',
            country_codes: [CountryCode.Us],
            user: { client_user_id: 'user-1' },
            products: [Products.Transactions],
          })
        ).data,
      )
      const created = await client.sandboxPublicTokenCreate({
        institution_id: 'ins_109509',
        initial_products: [Products.Transactions],
      })
      conforms('SandboxPublicTokenCreateResponse', created.data)
      conforms(
        'ItemPublicTokenExchangeResponse',
        (await client.itemPublicTokenExchange({ public_token: created.data.public_token })).data,
      )
      conforms('AccountsGetResponse', (await client.accountsGet({ access_token: accessToken })).data)
      conforms('AccountsGetResponse', (await client.accountsBalanceGet({ access_token: accessToken })).data)
      conforms('ItemGetResponse', (await client.itemGet({ access_token: accessToken })).data)
      conforms(
        'ItemWebhookUpdateResponse',
        (await client.itemWebhookUpdate({ access_token: accessToken, webhook: receiver.url })).data,
      )
    })

    test('transactions, including pending, posted and removed changes', async () => {
      const { client } = harness
      let cursor = ''
      for (;;) {
        const page = await client.transactionsSync({ access_token: accessToken, cursor, count: 500 })
        conforms('TransactionsSyncResponse', page.data)
        cursor = page.data.next_cursor
        if (!page.data.has_more) break
      }
      conforms(
        'TransactionsRefreshResponse',
        (await client.transactionsRefresh({ access_token: accessToken })).data,
      )
      await harness.control('POST', '/simulator/clock/advance', { days: 5 })
      const update = await client.transactionsSync({ access_token: accessToken, cursor, count: 500 })
      expect(update.data.added.length + update.data.removed.length).toBeGreaterThan(0)
      conforms('TransactionsSyncResponse', update.data)
    })

    test('institutions and webhook keys', async () => {
      const { client } = harness
      const byId = await client.institutionsGetById({
        institution_id: 'ins_109508',
        country_codes: [CountryCode.Us],
        options: { include_optional_metadata: true, include_status: true },
      })
      conforms('InstitutionsGetByIdResponse', byId.data)
      conforms(
        'InstitutionsSearchResponse',
        (await client.institutionsSearch({ query: 'bank', country_codes: [CountryCode.Us] })).data,
      )
      const signature = receiver.received[0]?.signature ?? ''
      const kid = JSON.parse(Buffer.from(signature.split('.')[0] ?? '', 'base64url').toString()).kid
      conforms(
        'WebhookVerificationKeyGetResponse',
        (await client.webhookVerificationKeyGet({ key_id: kid })).data,
      )
    })

    test('sandbox endpoints, errors and webhook bodies', async () => {
      const { client } = harness
      await receiver.waitFor(1)
      for (const code of [
        SandboxItemFireWebhookRequestWebhookCodeEnum.DefaultUpdate,
        SandboxItemFireWebhookRequestWebhookCodeEnum.NewAccountsAvailable,
        SandboxItemFireWebhookRequestWebhookCodeEnum.LoginRepaired,
        SandboxItemFireWebhookRequestWebhookCodeEnum.UserPermissionRevoked,
        SandboxItemFireWebhookRequestWebhookCodeEnum.PendingDisconnect,
        SandboxItemFireWebhookRequestWebhookCodeEnum.RecurringTransactionsUpdate,
      ]) {
        conforms(
          'SandboxItemFireWebhookResponse',
          (await client.sandboxItemFireWebhook({ access_token: accessToken, webhook_code: code })).data,
        )
      }
      conforms(
        'SandboxItemResetLoginResponse',
        (await client.sandboxItemResetLogin({ access_token: accessToken })).data,
      )
      await harness.control(
        'POST',
        `/simulator/items/${(await client.itemGet({ access_token: accessToken })).data.item.item_id}/consent_expiration`,
        { days: 3 },
      )
      const error = await client
        .accountsGet({ access_token: accessToken })
        .catch((failure) => failure.response.data)
      conforms('PlaidError', error)
      expect(error.error_code).toBe('ITEM_LOGIN_REQUIRED')
      conforms('ItemGetResponse', (await client.itemGet({ access_token: accessToken })).data)

      await receiver.waitFor(11)
      const schemaFor: Record<string, string> = {
        SYNC_UPDATES_AVAILABLE: 'SyncUpdatesAvailableWebhook',
        WEBHOOK_UPDATE_ACKNOWLEDGED: 'WebhookUpdateAcknowledgedWebhook',
        DEFAULT_UPDATE: 'DefaultUpdateWebhook',
        NEW_ACCOUNTS_AVAILABLE: 'NewAccountsAvailableWebhook',
        LOGIN_REPAIRED: 'ItemLoginRepairedWebhook',
        USER_PERMISSION_REVOKED: 'UserPermissionRevokedWebhook',
        PENDING_DISCONNECT: 'PendingDisconnectWebhook',
        RECURRING_TRANSACTIONS_UPDATE: 'RecurringTransactionsUpdateWebhook',
        ERROR: 'ItemErrorWebhook',
        PENDING_EXPIRATION: 'PendingExpirationWebhook',
      }
      // Deliveries are asynchronous and may arrive in any order: wait for every kind, not a count.
      const expected = Object.keys(schemaFor).sort()
      const codesSoFar = () =>
        [...new Set(receiver.received.map((webhook) => webhook.json.webhook_code))].sort()
      for (let i = 0; i < 200 && JSON.stringify(codesSoFar()) !== JSON.stringify(expected); i++)
        await Bun.sleep(25)
      expect(codesSoFar()).toEqual(expected)
      for (const webhook of receiver.received)
        conforms(schemaFor[webhook.json.webhook_code] ?? 'missing', webhook.json)
      conforms('ItemRemoveResponse', (await client.itemRemove({ access_token: accessToken })).data)
    })
  },
)
