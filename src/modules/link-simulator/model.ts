import { t } from 'elysia'

export const ClientConfig = t.Object({
  plaidEnv: t.UnionEnum(['simulator', 'sandbox', 'production'], {
    description: 'simulator: the dashboard uses the Link stand-in; otherwise Plaid Link',
  }),
  signups: t.UnionEnum(['open', 'closed'], {
    description: 'Whether a sign-up would be accepted now (SIGNUPS, and first-user once claimed)',
  }),
})
export type ClientConfig = typeof ClientConfig.static

const Institution = t.Object({
  institutionId: t.String(),
  name: t.String(),
  primaryColor: t.Nullable(t.String()),
  url: t.Nullable(t.String()),
})

export const InstitutionList = t.Object({ institutions: t.Array(Institution) })

export const OpenSessionRequest = t.Object({ linkToken: t.String({ minLength: 1, maxLength: 200 }) })
export const LinkSession = t.Object({
  sessionId: t.String(),
  mode: t.UnionEnum(['create', 'update']),
  clientName: t.String(),
  /** Create mode: the banks to choose from. */
  institutions: t.Array(Institution),
  /** Update mode: the item being reconnected (Plaid's item id) and its bank. */
  itemId: t.Nullable(t.String()),
  institution: t.Nullable(Institution),
})

export const SessionParams = t.Object({ sessionId: t.String({ format: 'uuid' }) })

export const CredentialsRequest = t.Object({
  institutionId: t.Optional(t.String({ minLength: 1, maxLength: 100 })),
  username: t.String({ maxLength: 200 }),
  password: t.String({ maxLength: 200 }),
})

const LinkAccount = t.Object({
  id: t.String(),
  name: t.String(),
  mask: t.Nullable(t.String()),
  type: t.String(),
  subtype: t.Nullable(t.String()),
})
export const LinkAccounts = t.Object({ accounts: t.Array(LinkAccount) })

export const ChooseAccountsRequest = t.Object({
  accountIds: t.Array(t.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 20 }),
})
export const LinkSuccess = t.Object({
  publicToken: t.String(),
  institution: t.Object({ institutionId: t.String(), name: t.String() }),
  accounts: t.Array(LinkAccount),
})

export const LinkExit = t.Object({ status: t.String() })

export type LinkSession = typeof LinkSession.static
export type LinkAccounts = typeof LinkAccounts.static
export type LinkSuccess = typeof LinkSuccess.static
