import {
  type CountryCode,
  type Institution,
  type ProductStatus,
  ProductStatusBreakdownRefreshIntervalEnum,
  ProductStatusStatusEnum,
  type Products,
} from 'plaid'

export type InstitutionDefinition = {
  readonly institution_id: string
  readonly name: string
  readonly products: readonly `${Products}`[]
  readonly country_codes: readonly `${CountryCode}`[]
  readonly url: string
  readonly primary_color: string
  readonly routing_numbers: readonly string[]
}

const STANDARD_PRODUCTS = [
  'assets',
  'auth',
  'balance',
  'identity',
  'investments',
  'liabilities',
  'transactions',
] as const satisfies readonly `${Products}`[]

/** Plaid Sandbox's own test institutions (non-OAuth, US). Colors and URLs are the simulator's. */
export const INSTITUTIONS: readonly InstitutionDefinition[] = [
  {
    institution_id: 'ins_109508',
    name: 'First Platypus Bank',
    products: STANDARD_PRODUCTS,
    country_codes: ['US'],
    url: 'https://www.plaid.com',
    primary_color: '#1f1f1f',
    routing_numbers: ['011000138', '011200365'],
  },
  {
    institution_id: 'ins_109509',
    name: 'First Gingham Credit Union',
    products: STANDARD_PRODUCTS,
    country_codes: ['US'],
    url: 'https://www.plaid.com',
    primary_color: '#0a7a3e',
    routing_numbers: ['021000021'],
  },
  {
    institution_id: 'ins_109510',
    name: 'Tattersall Federal Credit Union',
    products: STANDARD_PRODUCTS,
    country_codes: ['US'],
    url: 'https://www.plaid.com',
    primary_color: '#8a1538',
    routing_numbers: ['031176110'],
  },
  {
    institution_id: 'ins_109511',
    name: 'Tartan Bank',
    products: STANDARD_PRODUCTS,
    country_codes: ['US'],
    url: 'https://www.plaid.com',
    primary_color: '#b3261e',
    routing_numbers: ['041215663'],
  },
  {
    institution_id: 'ins_109512',
    name: 'Houndstooth Bank',
    products: ['auth', 'balance', 'identity', 'transactions'],
    country_codes: ['US'],
    url: 'https://www.plaid.com',
    primary_color: '#2b3a67',
    routing_numbers: ['051405515'],
  },
]

export function findInstitution(institutionId: string): InstitutionDefinition | undefined {
  return INSTITUTIONS.find((institution) => institution.institution_id === institutionId)
}

export type InstitutionView = {
  includeOptionalMetadata?: boolean | undefined
  includeStatus?: boolean | undefined
}

export function presentInstitution(
  institution: InstitutionDefinition,
  view: InstitutionView,
  now: Date,
): Institution {
  const result: Institution = {
    institution_id: institution.institution_id,
    name: institution.name,
    products: [...institution.products] as Products[],
    country_codes: [...institution.country_codes] as CountryCode[],
    routing_numbers: [...institution.routing_numbers],
    dtc_numbers: [],
    oauth: false,
  }
  if (view.includeOptionalMetadata) {
    result.url = institution.url
    result.primary_color = institution.primary_color
    // Plaid sends a base64 PNG; the simulator has no artwork, and null is a documented value.
    result.logo = null
  }
  if (view.includeStatus) {
    const healthy = (refreshes: boolean): ProductStatus => ({
      status: ProductStatusStatusEnum.Healthy,
      last_status_change: now.toISOString(),
      breakdown: {
        success: 1,
        error_plaid: 0,
        error_institution: 0,
        ...(refreshes ? { refresh_interval: ProductStatusBreakdownRefreshIntervalEnum.Normal } : {}),
      },
    })
    result.status = {
      item_logins: healthy(false),
      transactions_updates: healthy(true),
      auth: healthy(false),
      identity: healthy(false),
      investments_updates: healthy(true),
      liabilities_updates: healthy(true),
      liabilities: healthy(false),
      investments: healthy(false),
      health_incidents: [],
    }
  }
  return result
}
