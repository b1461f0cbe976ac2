import { Type } from '@sinclair/typebox'
import type { InstitutionsGetByIdResponse, InstitutionsSearchResponse } from 'plaid'
import { INSTITUTIONS, type InstitutionDefinition, presentInstitution } from '../data/institutions.ts'
import { plaidError } from '../errors.ts'
import { LenientObject, NonEmptyString, Nullable, plaidRequest } from '../validation.ts'
import { defineRoute, type Reply } from './route.ts'

const CountryCodes = Type.Array(Type.String(), { minItems: 1 })

const ViewOptions = Type.Optional(
  LenientObject({
    include_optional_metadata: Type.Optional(Nullable(Type.Boolean())),
    include_status: Type.Optional(Nullable(Type.Boolean())),
  }),
)

const inCountries = (institution: InstitutionDefinition, countries: readonly string[]) =>
  institution.country_codes.some((code) => countries.includes(code))

export const institutionsGetById = defineRoute({
  path: '/institutions/get_by_id',
  schema: plaidRequest({
    institution_id: NonEmptyString(),
    country_codes: CountryCodes,
    options: ViewOptions,
  }),
  rateLimitCode: 'INSTITUTIONS_GET_BY_ID_LIMIT',
  handle({ core }, body): Reply<InstitutionsGetByIdResponse> {
    const institution = core.institution(body.institution_id)
    if (!institution || !inCountries(institution, body.country_codes)) throw plaidError('INVALID_INSTITUTION')
    return {
      institution: presentInstitution(
        institution,
        {
          includeOptionalMetadata: body.options?.include_optional_metadata ?? false,
          includeStatus: body.options?.include_status ?? false,
        },
        core.clock.now(),
      ),
    }
  },
})

export const institutionsSearch = defineRoute({
  path: '/institutions/search',
  schema: plaidRequest({
    query: NonEmptyString(),
    products: Type.Optional(Nullable(Type.Array(Type.String()))),
    country_codes: CountryCodes,
    options: ViewOptions,
  }),
  rateLimitCode: 'RATE_LIMIT',
  handle({ core }, body): Reply<InstitutionsSearchResponse> {
    // Every word of the query must start a word of the name, so "plat" finds First Platypus Bank.
    const words = body.query.toLowerCase().split(/\s+/).filter(Boolean)
    const products = body.products ?? []
    const matches = INSTITUTIONS.filter((institution) => {
      const nameWords = institution.name.toLowerCase().split(/\s+/)
      return (
        inCountries(institution, body.country_codes) &&
        products.every((product) => institution.products.includes(product as never)) &&
        words.every((word) => nameWords.some((name) => name.startsWith(word)))
      )
    })
    const view = {
      includeOptionalMetadata: body.options?.include_optional_metadata ?? false,
      includeStatus: body.options?.include_status ?? false,
    }
    return {
      institutions: matches.map((institution) => presentInstitution(institution, view, core.clock.now())),
    }
  },
})
