import { Elysia } from 'elysia'
import type { AppDeps } from '../../app.ts'
import { authentication } from '../../http/authentication.ts'
import { ProblemSchema } from '../../http/schemas.ts'
import {
  ChooseAccountsRequest,
  ClientConfig,
  CredentialsRequest,
  InstitutionList,
  LinkAccounts,
  LinkExit,
  LinkSession,
  LinkSuccess,
  OpenSessionRequest,
  SessionParams,
} from './model.ts'
import { createLinkSimulatorProxy, type LinkSimulatorProxy } from './service.ts'

const errors = { 401: ProblemSchema, 404: ProblemSchema, 422: ProblemSchema, 502: ProblemSchema }

/** What the dashboard needs before anyone logs in. No secrets. */
export function clientConfigRoutes(deps: AppDeps) {
  return new Elysia({ name: 'tally/client-config', prefix: '/api' }).get(
    '/client-config',
    async (): Promise<ClientConfig> => ({
      plaidEnv: deps.config.PLAID_ENV,
      signups: await signupsOpen(deps),
    }),
    {
      response: { 200: ClientConfig },
      detail: {
        tags: ['dashboard'],
        summary: 'Public settings the dashboard needs: Plaid Link or the simulator, and sign-up',
      },
    },
  )
}

async function signupsOpen(deps: AppDeps): Promise<'open' | 'closed'> {
  if (deps.config.SIGNUPS === 'open') return 'open'
  if (deps.config.SIGNUPS === 'closed') return 'closed'
  const [claimed] = await deps.sql`select 1 from users limit 1`
  return claimed ? 'closed' : 'open'
}

/**
 * The simulator's Link stand-in, proxied same-origin (see service.ts). Mounted only when
 * PLAID_ENV=simulator; elsewhere these routes do not exist.
 */
export function linkSimulatorRoutes(deps: AppDeps) {
  if (deps.config.PLAID_ENV === 'simulator' && deps.simulatorUrl)
    return standInRoutes(deps, createLinkSimulatorProxy({ baseUrl: deps.simulatorUrl }))
  // Typed as the full set so the dashboard's client types (App['~Routes']) hold in every mode; the
  // dashboard calls these only when /api/client-config says plaidEnv is simulator.
  return new Elysia({ name: 'tally/link-simulator' }) as unknown as ReturnType<typeof standInRoutes>
}

function standInRoutes(deps: AppDeps, proxy: LinkSimulatorProxy) {
  const tags = ['link simulator']
  return new Elysia({ name: 'tally/link-simulator', prefix: '/api/link/simulator' })
    .use(authentication(deps))
    .get('/institutions', () => proxy.institutions(), {
      auth: true,
      response: { 200: InstitutionList, ...errors },
      detail: { tags, summary: "The simulator's banks" },
    })
    .post('/sessions', ({ session, body }) => proxy.openSession(session.userId, body.linkToken), {
      auth: true,
      body: OpenSessionRequest,
      parse: 'json',
      response: { 200: LinkSession, ...errors },
      detail: { tags, summary: 'Open a Link stand-in session with a token from POST /api/link/token' },
    })
    .post(
      '/sessions/:sessionId/credentials',
      ({ session, params, body }) => proxy.submitCredentials(session.userId, params.sessionId, body),
      {
        auth: true,
        params: SessionParams,
        body: CredentialsRequest,
        parse: 'json',
        response: { 200: LinkAccounts, ...errors },
        detail: {
          tags,
          summary: 'Log in to the simulated bank (user_good / pass_good); lists its accounts',
          description: 'A refused login is 422 with code LINK_<Plaid error code> and a readable detail.',
        },
      },
    )
    .post(
      '/sessions/:sessionId/accounts',
      ({ session, params, body }) => proxy.chooseAccounts(session.userId, params.sessionId, body.accountIds),
      {
        auth: true,
        params: SessionParams,
        body: ChooseAccountsRequest,
        parse: 'json',
        response: { 200: LinkSuccess, ...errors },
        detail: {
          tags,
          summary: "Choose accounts: Link's onSuccess (pass publicToken to POST /api/items)",
        },
      },
    )
    .post(
      '/sessions/:sessionId/exit',
      ({ session, params }) => proxy.exit(session.userId, params.sessionId),
      {
        auth: true,
        params: SessionParams,
        response: { 200: LinkExit, ...errors },
        detail: { tags, summary: "Leave Link without linking (Link's onExit)" },
      },
    )
}
