import { Kind, type TSchema } from '@sinclair/typebox'
import { type VariableName, variableOptions } from './schema.ts'

/** The validation rule of a variable in words, for error messages and the generated docs. */
export function describeRule(name: VariableName): string {
  const schema = variableOptions(name)
  if (schema.rule) return schema.rule
  switch (schema[Kind]) {
    case 'Integer':
      return `an integer from ${schema.minimum} to ${schema.maximum}`
    case 'Boolean':
      return 'true or false'
    case 'Union':
      return `one of ${allowedValues(schema).join(', ')}`
    default:
      return 'a non-empty value'
  }
}

export function allowedValues(schema: TSchema): string[] {
  return ((schema.anyOf ?? []) as TSchema[]).map((member) => String(member.const))
}

/** How a value is shown to people: secrets never, long values shortened. */
export function displayValue(name: VariableName, text: string): string {
  if (variableOptions(name).secret) return '<redacted>'
  const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text
  return JSON.stringify(shown)
}

export function exampleOf(name: VariableName): string | undefined {
  const options = variableOptions(name)
  return options.example !== undefined ? `e.g. ${options.example}` : options.exampleHint
}
