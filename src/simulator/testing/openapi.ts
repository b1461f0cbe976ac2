/**
 * Validates simulator responses against Plaid's own OpenAPI description, read at test time from
 * ../shared (never copied into the project). Checks what matters to a client: required fields,
 * types, nullability and enums, following $ref and allOf.
 */
type Schema = {
  $ref?: string
  allOf?: Schema[]
  oneOf?: Schema[]
  anyOf?: Schema[]
  type?: string
  nullable?: boolean
  enum?: unknown[]
  required?: string[]
  properties?: Record<string, Schema>
  items?: Schema
}

export const OPENAPI_PATH = new URL('../../../../shared/plaid-openapi-2020-09-14.yml', import.meta.url)
  .pathname

export async function loadPlaidOpenApi(): Promise<OpenApiChecker | null> {
  const file = Bun.file(OPENAPI_PATH)
  if (!(await file.exists())) return null
  const document = Bun.YAML.parse(await file.text()) as { components: { schemas: Record<string, Schema> } }
  return createChecker(document.components.schemas)
}

export type OpenApiChecker = {
  /** Problems found validating `value` against `#/components/schemas/<name>`; empty when it conforms. */
  check(name: string, value: unknown): string[]
}

function typeOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value
}

function createChecker(schemas: Record<string, Schema>): OpenApiChecker {
  const resolve = (schema: Schema): Schema => {
    if (!schema.$ref) return schema
    const name = schema.$ref.replace('#/components/schemas/', '')
    const target = schemas[name]
    if (!target) throw new Error(`unresolved ${schema.$ref}`)
    return resolve(target)
  }

  function validate(raw: Schema, value: unknown, path: string, problems: string[]): void {
    const schema = resolve(raw)
    if (value === null) {
      const nullable = schema.nullable || schema.allOf?.some((part) => resolve(part).nullable)
      if (!nullable && (schema.type || schema.allOf || schema.properties))
        problems.push(`${path}: null is not allowed`)
      return
    }
    if (schema.allOf) for (const part of schema.allOf) validate(part, value, path, problems)
    if (schema.oneOf || schema.anyOf) {
      const options = schema.oneOf ?? schema.anyOf ?? []
      const fits = options.some((option) => {
        const nested: string[] = []
        validate(option, value, path, nested)
        return nested.length === 0
      })
      if (!fits) problems.push(`${path}: matches none of the allowed schemas`)
    }
    const actual = typeOf(value)
    if (schema.type) {
      const ok = schema.type === actual || (schema.type === 'number' && actual === 'integer')
      if (!ok) {
        problems.push(`${path}: expected ${schema.type}, got ${actual}`)
        return
      }
    }
    if (schema.enum && !schema.enum.includes(value))
      problems.push(`${path}: ${JSON.stringify(value)} is not one of the enum values`)
    if (actual === 'object') {
      const object = value as Record<string, unknown>
      for (const field of schema.required ?? []) {
        if (!(field in object)) problems.push(`${path}.${field}: required field missing`)
      }
      for (const [field, fieldSchema] of Object.entries(schema.properties ?? {})) {
        if (field in object) validate(fieldSchema, object[field], `${path}.${field}`, problems)
      }
    }
    if (actual === 'array' && schema.items) {
      ;(value as unknown[]).forEach((entry, index) => {
        validate(schema.items as Schema, entry, `${path}[${index}]`, problems)
      })
    }
  }

  return {
    check(name, value) {
      const schema = schemas[name]
      if (!schema) return [`no schema named ${name}`]
      const problems: string[] = []
      validate(schema, value, name, problems)
      return problems
    },
  }
}
