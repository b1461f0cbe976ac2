/**
 * Typed calls to Tally's API. The types come from the server itself: `App['~Routes']` is Elysia's
 * record of every route's body, query and response, built from the TypeBox models. Only types are
 * imported (`import type`), so no server code reaches the bundle.
 */
import type { App } from '../app.ts'
import type { TransactionFilterQuery } from '../modules/transactions/model.ts'

type Api = App['~Routes']['api']
/** What JSON makes of a response type: dates arrive as ISO strings. */
type Json<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Json<U>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T
type Ok<Route, Status extends number = 200> = Route extends { response: infer R }
  ? Status extends keyof R
    ? Json<R[Status]>
    : never
  : never
type Body<Route> = Route extends { body: infer B } ? NonNullable<B> : never

export type User = Ok<Api['me']['get']>['user']
export type ClientConfig = Ok<Api['client-config']['get']>
export type Account = Ok<Api['accounts']['get']>['accounts'][number]
export type Transaction = Ok<Api['transactions']['get']>['transactions'][number]
// The model's own type: Elysia's route record widens the category union of literals away.
export type TransactionFilters = TransactionFilterQuery
export type TransactionPage = Ok<Api['transactions']['get']>
export type Item = Ok<Api['items']['get']>['items'][number]
export type Session = Ok<Api['sessions']['get']>['sessions'][number]
export type AuditPage = Ok<Api['audit']['get']>
export type Spending = Ok<Api['insights']['spending']['get']>
export type NetWorth = Ok<Api['insights']['net-worth']['get']>
type Stand = Api['link']['simulator']
export type StandInSession = Ok<Stand['sessions']['post']>
export type StandInAccount = Ok<Stand['sessions'][':sessionId']['credentials']['post']>['accounts'][number]
export type StandInSuccess = Ok<Stand['sessions'][':sessionId']['accounts']['post']>

export interface Problem {
  status: number
  code: string
  detail: string
  requestId?: string
  errors?: { in: string; path: string; message: string }[]
}

/** A failed call, carrying the problem+json the API answered (or one made up for network failures). */
export class ApiError extends Error implements Problem {
  readonly status: number
  readonly code: string
  readonly detail: string
  readonly requestId?: string
  readonly errors?: Problem['errors']
  constructor(problem: Problem) {
    super(problem.detail)
    this.status = problem.status
    this.code = problem.code
    this.detail = problem.detail
    if (problem.requestId) this.requestId = problem.requestId
    if (problem.errors) this.errors = problem.errors
  }
}

let onUnauthenticated: () => void = () => {}
/** Called when any request finds the session gone (expired, revoked elsewhere). */
export function whenUnauthenticated(handler: () => void) {
  onUnauthenticated = handler
}

type Params = Record<string, string | number | boolean | undefined>

export function queryString(params: Params = {}): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== '') search.set(key, String(value))
  const text = search.toString()
  return text ? `?${text}` : ''
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  } catch {
    throw new ApiError({
      status: 0,
      code: 'NETWORK',
      detail: 'Tally could not be reached. Check your connection.',
    })
  }
  if (response.status === 204) return undefined as T
  const payload = await response.json().catch(() => null)
  if (response.ok) return payload as T
  const problem: Problem =
    payload && typeof payload.detail === 'string'
      ? payload
      : {
          status: response.status,
          code: `HTTP_${response.status}`,
          detail: `The server answered ${response.status}.`,
        }
  if (problem.code === 'UNAUTHENTICATED') onUnauthenticated()
  throw new ApiError(problem)
}

const id = encodeURIComponent

export const api = {
  clientConfig: () => request<ClientConfig>('GET', '/api/client-config'),
  me: () => request<Ok<Api['me']['get']>>('GET', '/api/me'),
  signup: (body: Body<Api['auth']['signup']['post']>) =>
    request<Ok<Api['auth']['signup']['post'], 201>>('POST', '/api/auth/signup', body),
  login: (body: Body<Api['auth']['login']['post']>) =>
    request<Ok<Api['auth']['login']['post']>>('POST', '/api/auth/login', body),
  logout: () => request<void>('POST', '/api/auth/logout'),
  changePassword: (body: Body<Api['me']['password']['post']>) =>
    request<Ok<Api['me']['password']['post']>>('POST', '/api/me/password', body),
  deleteAccount: (body: Body<Api['me']['delete']>) => request<void>('DELETE', '/api/me', body),

  sessions: () => request<Ok<Api['sessions']['get']>>('GET', '/api/sessions'),
  revokeSession: (sessionId: string) => request<void>('DELETE', `/api/sessions/${id(sessionId)}`),
  revokeOtherSessions: () =>
    request<Ok<Api['sessions']['revoke-others']['post']>>('POST', '/api/sessions/revoke-others'),
  audit: (cursor?: string) => request<AuditPage>('GET', `/api/audit${queryString({ cursor, limit: 25 })}`),

  accounts: () => request<Ok<Api['accounts']['get']>>('GET', '/api/accounts'),
  transactions: (filters: TransactionFilters, cursor?: string) =>
    request<TransactionPage>('GET', `/api/transactions${queryString({ ...filters, cursor, limit: 50 })}`),
  exportUrl: (filters: TransactionFilters) => `/api/transactions/export.csv${queryString(filters)}`,
  spending: (months = 6) => request<Spending>('GET', `/api/insights/spending${queryString({ months })}`),
  netWorth: (interval: 'day' | 'week' | 'month' = 'week') =>
    request<NetWorth>('GET', `/api/insights/net-worth${queryString({ interval })}`),

  items: () => request<Ok<Api['items']['get']>>('GET', '/api/items'),
  linkToken: (itemId?: string) =>
    request<Ok<Api['link']['token']['post']>>('POST', '/api/link/token', itemId ? { itemId } : {}),
  linkItem: (body: Body<Api['items']['post']>) =>
    request<Ok<Api['items']['post'], 201>>('POST', '/api/items', body),
  removeItem: (itemId: string) => request<void>('DELETE', `/api/items/${id(itemId)}`),
  syncItem: (itemId: string) =>
    request<Ok<Api['items'][':id']['sync']['post'], 202>>('POST', `/api/items/${id(itemId)}/sync`),
  reconnected: (itemId: string) =>
    request<Ok<Api['items'][':id']['reconnected']['post']>>('POST', `/api/items/${id(itemId)}/reconnected`),

  standIn: {
    open: (linkToken: string) =>
      request<StandInSession>('POST', '/api/link/simulator/sessions', { linkToken }),
    credentials: (sessionId: string, body: Body<Stand['sessions'][':sessionId']['credentials']['post']>) =>
      request<{ accounts: StandInAccount[] }>(
        'POST',
        `/api/link/simulator/sessions/${id(sessionId)}/credentials`,
        body,
      ),
    accounts: (sessionId: string, accountIds: string[]) =>
      request<StandInSuccess>('POST', `/api/link/simulator/sessions/${id(sessionId)}/accounts`, {
        accountIds,
      }),
    exit: (sessionId: string) =>
      request<{ status: string }>('POST', `/api/link/simulator/sessions/${id(sessionId)}/exit`),
  },
}
