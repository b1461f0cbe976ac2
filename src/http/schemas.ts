import { t } from 'elysia'

/** The problem+json body every error response has; routes list it for their error statuses. */
export const ProblemSchema = t.Object(
  {
    type: t.String(),
    title: t.String(),
    status: t.Integer(),
    detail: t.String(),
    code: t.String({ description: 'Stable, UPPER_SNAKE: switch on this (docs/API.md lists them)' }),
    requestId: t.String(),
    errors: t.Optional(t.Array(t.Object({ in: t.String(), path: t.String(), message: t.String() }))),
  },
  { description: 'RFC 9457 problem details' },
)

export const Timestamp = t.Date({ description: 'ISO 8601 date-time' })
export const Uuid = t.String({ format: 'uuid' })
