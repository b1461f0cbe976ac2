import { type Static, type TObject, type TProperties, type TSchema, Type } from '@sinclair/typebox'
import { Value, ValueErrorType } from '@sinclair/typebox/value'
import { plaidError } from './errors.ts'

/**
 * A Plaid request body schema: the caller's fields plus the credentials Plaid accepts in any body.
 * Unknown top-level fields are rejected like Plaid's UNKNOWN_FIELDS; nested option objects are
 * lenient, because Plaid keeps adding options there and an old simulator should not reject them.
 */
export function plaidRequest<P extends TProperties>(properties: P) {
  return Type.Object(
    { client_id: Type.Optional(Type.String()), secret: Type.Optional(Type.String()), ...properties },
    { additionalProperties: false },
  )
}

export const NonEmptyString = (options: { maxLength?: number } = {}) =>
  Type.String({ minLength: 1, ...options })
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])
export const LenientObject = <P extends TProperties>(properties: P) =>
  Type.Object(properties, { additionalProperties: true })

function fieldName(path: string): string {
  return path.replace(/^\//, '').replaceAll('/', '.')
}

function describe(type: ValueErrorType, schema: TSchema): string {
  switch (type) {
    case ValueErrorType.String:
      return 'must be a string'
    case ValueErrorType.StringMinLength:
      return 'must be a non-empty string'
    case ValueErrorType.StringMaxLength:
      return `must be at most ${String(schema.maxLength)} characters`
    case ValueErrorType.Integer:
      return 'must be an integer'
    case ValueErrorType.Number:
      return 'must be a number'
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.NumberMinimum:
      return `must be at least ${String(schema.minimum)}`
    case ValueErrorType.IntegerMaximum:
    case ValueErrorType.NumberMaximum:
      return `must be at most ${String(schema.maximum)}`
    case ValueErrorType.Boolean:
      return 'must be a boolean'
    case ValueErrorType.Array:
      return 'must be an array'
    case ValueErrorType.ArrayMinItems:
      return `must contain at least ${String(schema.minItems)} item(s)`
    case ValueErrorType.ArrayMaxItems:
      return `must contain at most ${String(schema.maxItems)} item(s)`
    case ValueErrorType.Object:
      return 'must be an object'
    case ValueErrorType.Union:
      return 'has an invalid type'
    default:
      return 'is invalid'
  }
}

/** Checks a parsed body against its schema and throws Plaid's MISSING_FIELDS, UNKNOWN_FIELDS or INVALID_FIELD. */
export function validateRequest<T extends TObject>(schema: T, body: unknown): Static<T> {
  if (Value.Check(schema, body)) return body
  const missing: string[] = []
  const unknown: string[] = []
  let invalid: string | null = null
  for (const error of Value.Errors(schema, body)) {
    if (error.type === ValueErrorType.ObjectRequiredProperty) missing.push(fieldName(error.path))
    else if (error.type === ValueErrorType.ObjectAdditionalProperties) unknown.push(fieldName(error.path))
    else if (invalid === null) invalid = `${fieldName(error.path)} ${describe(error.type, error.schema)}`
  }
  if (missing.length > 0) {
    throw plaidError(
      'MISSING_FIELDS',
      `the following required fields are missing: ${[...new Set(missing)].join(', ')}`,
    )
  }
  if (unknown.length > 0) {
    throw plaidError(
      'UNKNOWN_FIELDS',
      `the following fields are not recognized by this endpoint: ${[...new Set(unknown)].join(', ')}`,
    )
  }
  throw plaidError('INVALID_FIELD', invalid ?? 'one or more of the request fields is invalid')
}
