import { Elysia } from 'elysia'
import type { AppDeps } from '../app.ts'
import { AppError } from '../errors.ts'
import { type CurrentSession, findSession, sessionPolicy } from '../modules/sessions/service.ts'
import { type ClientInfo, clientInfo } from './client.ts'
import { readSessionToken } from './session-cookie.ts'

export const unauthenticated = () => new AppError('unauthorized', 'UNAUTHENTICATED', 'Log in first.')

/**
 * `client` (address and user agent) on every route, and the `auth: true` route option: it resolves
 * the session from the cookie, or answers 401 before the handler runs. Every data query in a handler
 * is then scoped by `session.userId`.
 */
export function authentication(deps: AppDeps) {
  const policy = sessionPolicy(deps.config)
  const now = deps.now ?? (() => new Date())
  // Found in `transform`, which runs before body validation, so an anonymous request gets 401 rather
  // than a list of its field errors; `resolve` (after validation) hands it to the handler, typed.
  const sessions = new WeakMap<Request, CurrentSession>()
  return new Elysia({ name: 'tally/authentication' })
    .derive({ as: 'global' }, ({ request, server }): { client: ClientInfo } => ({
      client: clientInfo(request, server, deps.config.TRUST_PROXY),
    }))
    .macro({
      auth: {
        async transform({ request }) {
          const token = readSessionToken(request)
          const session = token ? await findSession(deps.sql, token, policy, now()) : null
          if (!session) throw unauthenticated()
          sessions.set(request, session)
        },
        resolve({ request }): { session: CurrentSession } {
          const session = sessions.get(request)
          if (!session) throw unauthenticated()
          return { session }
        },
      },
    })
}
