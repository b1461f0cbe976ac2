import { AppError } from '../../errors.ts'
import type { LinkAccounts, LinkSession, LinkSuccess } from './model.ts'

/**
 * A same-origin proxy for the simulator's Link stand-in (docs/SIMULATOR.md). The simulator listens on
 * a loopback port the browser may not reach and the CSP allows only this origin, so the dashboard
 * drives the stand-in through here. Link sessions are bound to the user who opened them: a session id
 * is a capability, and another user's must not work even if it leaks.
 */
export interface LinkSimulatorProxy {
  institutions(): Promise<{ institutions: Institution[] }>
  openSession(userId: string, linkToken: string): Promise<LinkSession>
  submitCredentials(
    userId: string,
    sessionId: string,
    input: { institutionId?: string; username: string; password: string },
  ): Promise<LinkAccounts>
  chooseAccounts(userId: string, sessionId: string, accountIds: string[]): Promise<LinkSuccess>
  exit(userId: string, sessionId: string): Promise<{ status: string }>
}

type Institution = LinkSession['institutions'][number]

export interface LinkSimulatorOptions {
  baseUrl: string
  fetch?: typeof fetch
  timeoutMs?: number
  now?: () => number
}

/** Plaid's error body, as the stand-in answers it. */
interface PlaidErrorBody {
  error_type?: string
  error_code?: string
  error_message?: string
  display_message?: string | null
}

const SESSION_TTL_MS = 4 * 60 * 60 * 1000
const MAX_SESSIONS = 10_000

export function createLinkSimulatorProxy(options: LinkSimulatorOptions): LinkSimulatorProxy {
  const baseUrl = options.baseUrl.replace(/\/+$/, '')
  const doFetch = options.fetch ?? fetch
  const timeoutMs = options.timeoutMs ?? 10_000
  const now = options.now ?? Date.now
  const owners = new Map<string, { userId: string; openedAt: number }>()

  async function call(method: 'GET' | 'POST', path: string, body?: object): Promise<Record<string, unknown>> {
    let response: Response
    try {
      response = await doFetch(`${baseUrl}/simulator/link${path}`, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch {
      throw new AppError('upstream', 'LINK_UNAVAILABLE', 'The bank simulator did not answer; try again.')
    }
    const payload = (await response.json().catch(() => null)) as Record<string, unknown> | null
    if (response.ok && payload) return payload
    throw linkFailure(response.status, (payload ?? {}) as PlaidErrorBody)
  }

  function own(userId: string, sessionId: string) {
    const owner = owners.get(sessionId)
    if (!owner || owner.userId !== userId || now() - owner.openedAt > SESSION_TTL_MS)
      throw new AppError('not_found', 'LINK_SESSION_NOT_FOUND', 'No such link session; start again.')
  }

  function remember(userId: string, sessionId: string) {
    const at = now()
    for (const [id, owner] of owners)
      if (at - owner.openedAt > SESSION_TTL_MS || owners.size >= MAX_SESSIONS) owners.delete(id)
    owners.set(sessionId, { userId, openedAt: at })
  }

  return {
    async institutions() {
      const body = await call('GET', '/institutions')
      return { institutions: asArray(body.institutions).map(institution) }
    },
    async openSession(userId, linkToken) {
      const body = await call('POST', '/sessions', { link_token: linkToken })
      const sessionId = String(body.link_session_id)
      remember(userId, sessionId)
      return {
        sessionId,
        mode: body.mode === 'update' ? 'update' : 'create',
        clientName: String(body.client_name ?? ''),
        institutions: asArray(body.institutions).map(institution),
        itemId: typeof body.item_id === 'string' ? body.item_id : null,
        institution: body.institution ? institution(body.institution) : null,
      }
    },
    async submitCredentials(userId, sessionId, input) {
      own(userId, sessionId)
      const body = await call('POST', `/sessions/${encodeURIComponent(sessionId)}/credentials`, {
        ...(input.institutionId ? { institution_id: input.institutionId } : {}),
        username: input.username,
        password: input.password,
      })
      return { accounts: asArray(body.accounts).map(account) }
    },
    async chooseAccounts(userId, sessionId, accountIds) {
      own(userId, sessionId)
      const body = await call('POST', `/sessions/${encodeURIComponent(sessionId)}/accounts`, {
        account_ids: accountIds,
      })
      owners.delete(sessionId)
      const metadata = (body.metadata ?? {}) as Record<string, unknown>
      const bank = (metadata.institution ?? {}) as Record<string, unknown>
      return {
        publicToken: String(body.public_token),
        institution: { institutionId: String(bank.institution_id ?? ''), name: String(bank.name ?? '') },
        accounts: asArray(metadata.accounts).map(account),
      }
    },
    async exit(userId, sessionId) {
      own(userId, sessionId)
      const body = await call('POST', `/sessions/${encodeURIComponent(sessionId)}/exit`)
      owners.delete(sessionId)
      const metadata = (body.metadata ?? {}) as Record<string, unknown>
      return { status: String(metadata.status ?? 'exited') }
    },
  }
}

/** The stand-in's Plaid-shaped errors become problems whose `detail` a person can read. */
export function linkFailure(status: number, body: PlaidErrorBody): AppError {
  const plaidCode = body.error_code && /^[A-Z_]{1,64}$/.test(body.error_code) ? body.error_code : 'UNKNOWN'
  const detail =
    body.display_message ||
    FRIENDLY[plaidCode] ||
    (body.error_message ? `The bank said: ${body.error_message}` : 'Linking failed; try again.')
  if (status >= 500 || status === 429)
    return new AppError('upstream', 'LINK_UNAVAILABLE', 'The bank simulator failed; try again in a moment.')
  if (plaidCode === 'NOT_FOUND')
    return new AppError('not_found', 'LINK_SESSION_NOT_FOUND', 'This link session has ended; start again.')
  return new AppError('invalid', `LINK_${plaidCode}`, detail)
}

const FRIENDLY: Record<string, string> = {
  INVALID_CREDENTIALS: 'The username or password was not correct. Try user_good / pass_good.',
  INVALID_LINK_TOKEN: 'This link has expired; start again.',
  INVALID_INSTITUTION: 'That bank is not available.',
  ITEM_LOCKED: 'The account is locked at the bank. Reset it there, then try again.',
  INSTITUTION_DOWN: 'The bank is not answering right now; try again later.',
  INVALID_ACCOUNT_ID: 'Choose among the accounts shown.',
}

function asArray(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? (value as Record<string, unknown>[]) : []
}

const text = (value: unknown) => (typeof value === 'string' ? value : null)

function institution(value: unknown): Institution {
  const row = (value ?? {}) as Record<string, unknown>
  return {
    institutionId: String(row.institution_id ?? ''),
    name: String(row.name ?? ''),
    primaryColor: text(row.primary_color),
    url: text(row.url),
  }
}

function account(value: Record<string, unknown>) {
  return {
    id: String(value.id ?? ''),
    name: String(value.name ?? ''),
    mask: text(value.mask),
    type: String(value.type ?? ''),
    subtype: text(value.subtype),
  }
}
