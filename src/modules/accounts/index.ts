import { Elysia } from 'elysia'
import type { AppDeps } from '../../app.ts'
import { authentication } from '../../http/authentication.ts'
import { ProblemSchema } from '../../http/schemas.ts'
import { AccountList } from './model.ts'
import { listAccounts } from './service.ts'

export function accountRoutes(deps: AppDeps) {
  return new Elysia({ name: 'tally/accounts', prefix: '/api/accounts' })
    .use(authentication(deps))
    .get('', async ({ session }) => ({ accounts: await listAccounts(deps.sql, session.userId) }), {
      auth: true,
      response: { 200: AccountList, 401: ProblemSchema },
      detail: {
        tags: ['data'],
        summary: 'Your bank accounts with their institution and latest balances',
      },
    })
}
