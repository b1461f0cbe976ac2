import { Type } from '@sinclair/typebox'
import {
  CountryCode,
  type ItemPublicTokenExchangeResponse,
  type LinkTokenCreateResponse,
  Products,
} from 'plaid'
import { plaidError } from '../errors.ts'
import { LenientObject, NonEmptyString, Nullable, plaidRequest } from '../validation.ts'
import { syncUpdatesAvailable } from '../webhook-payloads.ts'
import { defineRoute, type Reply } from './route.ts'

const PRODUCTS = new Set<string>(Object.values(Products))
const COUNTRIES = new Set<string>(Object.values(CountryCode))

export function checkProducts(products: readonly string[], field: string): void {
  const unknown = products.filter((product) => !PRODUCTS.has(product))
  if (unknown.length > 0)
    throw plaidError('INVALID_PRODUCT', `${field} contains unknown products: ${unknown.join(', ')}`)
}

/** A syntactically valid http(s) URL, as Plaid requires for webhooks. */
export function checkWebhookUrl(url: string, field: string): void {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw plaidError('INVALID_FIELD', `${field} must be a valid URL`)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw plaidError('INVALID_FIELD', `${field} must be an http or https URL`)
  }
}

const Optional = Type.Optional
const Anything = Type.Optional(Type.Unknown())

/** /link/token/create: every top-level field of Plaid's request is accepted; the simulator uses a few. */
const LinkTokenCreate = plaidRequest({
  client_name: NonEmptyString({ maxLength: 30 }),
  language: NonEmptyString(),
  country_codes: Type.Array(Type.String(), { minItems: 1 }),
  user: Optional(LenientObject({ client_user_id: Optional(Type.String()) })),
  user_id: Optional(Type.String()),
  products: Optional(Nullable(Type.Array(Type.String()))),
  required_if_supported_products: Optional(Nullable(Type.Array(Type.String()))),
  optional_products: Optional(Nullable(Type.Array(Type.String()))),
  additional_consented_products: Optional(Nullable(Type.Array(Type.String()))),
  webhook: Optional(Type.String()),
  access_token: Optional(Nullable(Type.String())),
  access_tokens: Anything,
  link_customization_name: Anything,
  redirect_uri: Anything,
  android_package_name: Anything,
  institution_data: Anything,
  card_switch: Anything,
  account_filters: Anything,
  eu_config: Anything,
  institution_id: Anything,
  payment_initiation: Anything,
  employment: Anything,
  income_verification: Anything,
  base_report: Anything,
  consumer_report_permissible_purpose: Anything,
  auth: Anything,
  transfer: Anything,
  update: Anything,
  identity_verification: Anything,
  statements: Anything,
  user_token: Anything,
  investments: Anything,
  investments_auth: Anything,
  hosted_link: Anything,
  transactions: Anything,
  cra_options: Anything,
  consumer_report_permissible_purpose_v2: Anything,
  financekit_supported: Anything,
  enable_multi_item_link: Anything,
})

export const linkTokenCreate = defineRoute({
  path: '/link/token/create',
  schema: LinkTokenCreate,
  rateLimitCode: 'RATE_LIMIT',
  handle({ core }, body): Reply<LinkTokenCreateResponse> {
    const badCountries = body.country_codes.filter((code) => !COUNTRIES.has(code))
    if (badCountries.length > 0) {
      throw plaidError(
        'INVALID_FIELD',
        `country_codes contains unsupported values: ${badCountries.join(', ')}`,
      )
    }
    if (!body.user && !body.user_id)
      throw plaidError('MISSING_FIELDS', 'the following required fields are missing: user')
    if (body.user && typeof body.user.client_user_id !== 'string') {
      throw plaidError('MISSING_FIELDS', 'the following required fields are missing: user.client_user_id')
    }
    if (body.webhook !== undefined) checkWebhookUrl(body.webhook, 'webhook')
    let updateSerial: number | null = null
    const products = body.products ?? []
    if (body.access_token) {
      const item = core.itemForAccessToken(body.access_token)
      updateSerial = item.serial
    } else {
      if (products.length === 0) {
        throw plaidError(
          'INVALID_FIELD',
          'products must be a non-empty array unless access_token is provided (update mode)',
        )
      }
      checkProducts(products, 'products')
    }
    const grant = core.tokens.issueLinkToken({
      clientName: body.client_name,
      products,
      webhook: body.webhook ?? null,
      userId: body.user_id ?? null,
      updateSerial,
    })
    return { link_token: grant.token, expiration: grant.expiresAt.toISOString() }
  },
})

export const publicTokenExchange = defineRoute({
  path: '/item/public_token/exchange',
  schema: plaidRequest({ public_token: NonEmptyString() }),
  rateLimitCode: 'RATE_LIMIT',
  handle({ core }, body): Reply<ItemPublicTokenExchangeResponse> {
    const redemption = core.tokens.redeemPublicToken(body.public_token)
    if ('error' in redemption) {
      throw plaidError(
        'INVALID_PUBLIC_TOKEN',
        redemption.error === 'expired'
          ? 'provided public token is expired. Public tokens expire 30 minutes after creation at which point they can no longer be exchanged'
          : 'could not find matching public token',
      )
    }
    const item = core.itemBySerial(redemption.serial)
    if (!item || item.removed) throw plaidError('INVALID_PUBLIC_TOKEN')
    const accessToken = core.issueAccessToken(item)
    // Data is ready at once in the simulator, so the one notice says both phases are complete.
    core.sendWebhook(item, syncUpdatesAvailable(item))
    return { access_token: accessToken, item_id: item.itemId }
  },
})
