import { t } from 'elysia'
import { Timestamp, Uuid } from '../../http/schemas.ts'

export const LinkTokenRequest = t.Object({
  itemId: t.Optional(Uuid),
})
export const LinkTokenResponse = t.Object({
  linkToken: t.String(),
  expiration: t.String(),
  mode: t.Union([t.Literal('create'), t.Literal('update')]),
})

const LinkAccount = t.Object({
  id: t.String({ maxLength: 100 }),
  name: t.Optional(t.String({ maxLength: 200 })),
  mask: t.Optional(t.Nullable(t.String({ maxLength: 10 }))),
  type: t.Optional(t.String({ maxLength: 50 })),
  subtype: t.Optional(t.Nullable(t.String({ maxLength: 50 }))),
})

export const LinkItemRequest = t.Object({
  publicToken: t.String({ minLength: 1, maxLength: 200 }),
  institutionId: t.String({ minLength: 1, maxLength: 100 }),
  accounts: t.Optional(t.Array(LinkAccount, { maxItems: 100 })),
})

export const ItemStatus = t.Union([
  t.Literal('healthy'),
  t.Literal('login_required'),
  t.Literal('pending_expiration'),
  t.Literal('pending_disconnect'),
  t.Literal('revoked'),
  t.Literal('error'),
])

export const ItemView = t.Object({
  id: Uuid,
  institutionId: t.String(),
  institutionName: t.String(),
  status: ItemStatus,
  errorCode: t.Nullable(t.String()),
  consentExpiresAt: t.Nullable(Timestamp),
  lastSyncedAt: t.Nullable(Timestamp),
  lastSyncError: t.Nullable(t.String()),
  accountsCount: t.Integer(),
  createdAt: Timestamp,
})

export const ItemParams = t.Object({ id: Uuid })
