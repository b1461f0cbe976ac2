import { Type } from '@sinclair/typebox'
import { durations } from './clock.ts'
import type { SimulatorCore } from './core.ts'
import { checkBankLogin } from './credentials.ts'
import { type AccountBlueprint, createBlueprint } from './data/blueprint.ts'
import { INSTITUTIONS, type InstitutionDefinition } from './data/institutions.ts'
import { plaidError } from './errors.ts'
import { newRequestId } from './ids.ts'
import { createRouter, type Params } from './router.ts'
import type { LinkTokenGrant } from './tokens.ts'
import { NonEmptyString, validateRequest } from './validation.ts'

/**
 * A stand-in for Plaid Link, whose script lives on Plaid's CDN and cannot load offline. The dashboard
 * drives it as JSON: open a session with a link token, pick an institution and log in, choose
 * accounts, and receive the `public_token` and the `metadata` Link's `onSuccess` would give. A
 * link token created with an `access_token` opens update mode, which re-authenticates that item.
 */
type Session = {
  readonly id: string
  readonly grant: LinkTokenGrant
  readonly openedAt: number
  institution: InstitutionDefinition | null
  /** Create mode: the item serial reserved at login, so the accounts shown keep their ids. */
  serial: number | null
  authenticated: boolean
  finished: boolean
}

type LinkContext = {
  readonly core: SimulatorCore
  readonly params: Params
  readonly body: Record<string, unknown>
}
type LinkHandler = (context: LinkContext) => object

const SESSION_TTL_MS = 4 * durations.hour

export type LinkAccount = {
  id: string
  name: string
  mask: string
  type: string
  subtype: string
  verification_status: null
}

function linkAccount(account: AccountBlueprint): LinkAccount {
  return {
    id: account.id,
    name: account.name,
    mask: account.mask,
    type: account.type,
    subtype: account.subtype,
    verification_status: null,
  }
}

function institutionSummary(institution: InstitutionDefinition) {
  return {
    institution_id: institution.institution_id,
    name: institution.name,
    primary_color: institution.primary_color,
    url: institution.url,
  }
}

export function createLinkStandIn() {
  const sessions = new Map<string, Session>()

  function sweep(now: number) {
    for (const [id, session] of sessions) if (now - session.openedAt > SESSION_TTL_MS) sessions.delete(id)
  }

  function sessionOf(core: SimulatorCore, params: Params): Session {
    const session = sessions.get(params.sessionId ?? '')
    if (!session) throw plaidError('NOT_FOUND', 'unknown or expired link session')
    if (core.tokens.findLinkToken(session.grant.token) === 'expired') {
      sessions.delete(session.id)
      throw plaidError('INVALID_LINK_TOKEN', 'the link token for this session has expired')
    }
    if (session.finished) throw plaidError('INVALID_FIELD', 'this link session has already finished')
    return session
  }

  function updateItem(core: SimulatorCore, session: Session) {
    const serial = session.grant.updateSerial
    const item = serial === null ? undefined : core.itemBySerial(serial)
    if (!item || item.removed) throw plaidError('ITEM_NOT_FOUND')
    return item
  }

  const router = createRouter<LinkHandler>()
    .add('GET', '/simulator/link/institutions', () => ({
      institutions: INSTITUTIONS.map(institutionSummary),
    }))
    .add('POST', '/simulator/link/sessions', ({ core, body }) => {
      const input = validateRequest(
        Type.Object({ link_token: NonEmptyString() }, { additionalProperties: false }),
        body,
      )
      const grant = core.tokens.findLinkToken(input.link_token)
      if (grant === undefined) throw plaidError('INVALID_LINK_TOKEN')
      if (grant === 'expired') throw plaidError('INVALID_LINK_TOKEN', 'provided link token is expired')
      const now = core.clock.now().getTime()
      sweep(now)
      const session: Session = {
        id: crypto.randomUUID(),
        grant,
        openedAt: now,
        institution: null,
        serial: null,
        authenticated: false,
        finished: false,
      }
      const base = { link_session_id: session.id, client_name: grant.clientName, products: grant.products }
      if (grant.updateSerial !== null) {
        const item = updateItem(core, session)
        session.institution = item.institution
        sessions.set(session.id, session)
        return {
          ...base,
          mode: 'update',
          item_id: item.itemId,
          institution: institutionSummary(item.institution),
        }
      }
      sessions.set(session.id, session)
      const eligible = INSTITUTIONS.filter((institution) =>
        grant.products.every((product) => institution.products.includes(product as never)),
      )
      return { ...base, mode: 'create', institutions: eligible.map(institutionSummary) }
    })
    .add('POST', '/simulator/link/sessions/:sessionId/credentials', ({ core, params, body }) => {
      const session = sessionOf(core, params)
      const input = validateRequest(
        Type.Object(
          {
            institution_id: Type.Optional(NonEmptyString()),
            username: Type.String(),
            password: Type.String(),
          },
          { additionalProperties: false },
        ),
        body,
      )
      if (session.grant.updateSerial === null) {
        if (!input.institution_id)
          throw plaidError('MISSING_FIELDS', 'the following required fields are missing: institution_id')
        const institution = core.institution(input.institution_id)
        if (!institution) throw plaidError('INVALID_INSTITUTION')
        session.institution = institution
      }
      const failure = checkBankLogin(input.username, input.password)
      if (failure) throw plaidError(failure)
      session.authenticated = true
      if (session.grant.updateSerial !== null) {
        const item = updateItem(core, session)
        return { accounts: item.accounts.map(linkAccount) }
      }
      session.serial ??= core.reserveSerial()
      return { accounts: createBlueprint(core.seed, session.serial).accounts.map(linkAccount) }
    })
    .add('POST', '/simulator/link/sessions/:sessionId/accounts', ({ core, params, body }) => {
      const session = sessionOf(core, params)
      if (!session.authenticated || !session.institution)
        throw plaidError('INVALID_FIELD', 'log in before choosing accounts')
      const input = validateRequest(
        Type.Object(
          { account_ids: Type.Array(NonEmptyString(), { minItems: 1 }) },
          { additionalProperties: false },
        ),
        body,
      )
      const institution = session.institution
      let accounts: LinkAccount[]
      let publicToken: string
      if (session.grant.updateSerial !== null) {
        const item = updateItem(core, session)
        accounts = item.accounts.filter((account) => input.account_ids.includes(account.id)).map(linkAccount)
        if (accounts.length !== input.account_ids.length) throw plaidError('INVALID_ACCOUNT_ID')
        core.repairItem(item)
        publicToken = core.tokens.issuePublicToken(item.serial).token
      } else {
        const serial = session.serial ?? core.reserveSerial()
        const offered = createBlueprint(core.seed, serial).accounts
        const chosen = offered.filter((account) => input.account_ids.includes(account.id))
        if (chosen.length !== input.account_ids.length) throw plaidError('INVALID_ACCOUNT_ID')
        const item = core.createItem({
          serial,
          institution,
          products: session.grant.products,
          webhook: session.grant.webhook,
          accountIndexes: chosen.map((account) => account.index),
          userId: session.grant.userId,
        })
        accounts = chosen.map(linkAccount)
        publicToken = core.tokens.issuePublicToken(item.serial).token
      }
      session.finished = true
      return {
        public_token: publicToken,
        metadata: {
          institution: { name: institution.name, institution_id: institution.institution_id },
          accounts,
          account: accounts[0] ?? null,
          account_id: accounts.length === 1 ? (accounts[0]?.id ?? null) : null,
          link_session_id: session.id,
          transfer_status: null,
          public_token: publicToken,
        },
      }
    })
    .add('POST', '/simulator/link/sessions/:sessionId/exit', ({ core, params }) => {
      const session = sessionOf(core, params)
      session.finished = true
      return {
        error: null,
        metadata: {
          status: session.authenticated ? 'choose_account' : 'requires_credentials',
          institution: session.institution
            ? { name: session.institution.name, institution_id: session.institution.institution_id }
            : null,
          link_session_id: session.id,
          request_id: newRequestId(),
        },
      }
    })
  return router
}
