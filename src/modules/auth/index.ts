import { Elysia } from 'elysia'
import type { AppDeps } from '../../app.ts'
import { authentication } from '../../http/authentication.ts'
import { ProblemSchema } from '../../http/schemas.ts'
import { clearedSessionCookie, sessionCookie } from '../../http/session-cookie.ts'
import { type ItemsDeps, removeAllItemsAtPlaid } from '../items/service.ts'
import { AccountDeletion, Credentials, PasswordChange, PasswordChanged, UserEnvelope } from './model.ts'
import { changePassword, confirmPassword, deleteAccount, getUser, login, logout, signup } from './service.ts'

export function authRoutes(deps: AppDeps, items: ItemsDeps) {
  const service = { sql: deps.sql, config: deps.config, now: deps.now ?? (() => new Date()) }
  return new Elysia({ name: 'tally/auth', prefix: '/api' })
    .use(authentication(deps))
    .post(
      '/auth/signup',
      async ({ body, client, set }) => {
        const { user, session } = await signup(service, body, client)
        set.status = 201
        set.headers['set-cookie'] = sessionCookie(deps.config, session.token)
        return { user }
      },
      {
        body: Credentials,
        parse: 'json',
        response: { 201: UserEnvelope, 403: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema },
        detail: {
          tags: ['auth'],
          summary: 'Create an account and log in',
          description: 'Subject to SIGNUPS.',
        },
      },
    )
    .post(
      '/auth/login',
      async ({ body, client, set }) => {
        const { user, session } = await login(service, body, client)
        set.headers['set-cookie'] = sessionCookie(deps.config, session.token)
        return { user }
      },
      {
        body: Credentials,
        parse: 'json',
        response: { 200: UserEnvelope, 401: ProblemSchema, 429: ProblemSchema },
        detail: { tags: ['auth'], summary: 'Log in: sets the tally_session cookie' },
      },
    )
    .post(
      '/auth/logout',
      async ({ session, client, set }) => {
        await logout(service, session, client)
        set.headers['set-cookie'] = clearedSessionCookie(deps.config)
        set.status = 204
      },
      { auth: true, detail: { tags: ['auth'], summary: 'End this session' } },
    )
    .get('/me', async ({ session }) => ({ user: await getUser(service, session.userId) }), {
      auth: true,
      response: { 200: UserEnvelope, 401: ProblemSchema },
      detail: { tags: ['account'], summary: 'The logged-in user' },
    })
    .post('/me/password', ({ session, body, client }) => changePassword(service, session, body, client), {
      auth: true,
      body: PasswordChange,
      parse: 'json',
      response: { 200: PasswordChanged, 403: ProblemSchema, 422: ProblemSchema, 429: ProblemSchema },
      detail: { tags: ['account'], summary: 'Change the password; ends every other session' },
    })
    .delete(
      '/me',
      async ({ session, body, client, set }) => {
        await confirmPassword(service, session, body.password, client)
        // Plaid first: if it fails, nothing is deleted and the person can try again.
        await removeAllItemsAtPlaid(items, session.userId)
        await deleteAccount(service, session, client)
        set.headers['set-cookie'] = clearedSessionCookie(deps.config)
        set.status = 204
      },
      {
        auth: true,
        body: AccountDeletion,
        parse: 'json',
        detail: { tags: ['account'], summary: 'Delete the account and all its data' },
      },
    )
}
