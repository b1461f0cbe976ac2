import { Elysia, t } from 'elysia'
import type { AppDeps } from '../../app.ts'
import { authentication } from '../../http/authentication.ts'
import { ProblemSchema } from '../../http/schemas.ts'
import { ItemParams, ItemView, LinkItemRequest, LinkTokenRequest, LinkTokenResponse } from './model.ts'
import {
  confirmReconnected,
  createLinkToken,
  deleteItem,
  type ItemsDeps,
  linkItem,
  listItems,
  requestSync,
} from './service.ts'

export function itemRoutes(deps: AppDeps, items: ItemsDeps) {
  return new Elysia({ name: 'tally/items', prefix: '/api' })
    .use(authentication(deps))
    .post('/link/token', ({ session, body }) => createLinkToken(items, session.userId, body?.itemId), {
      auth: true,
      body: t.Optional(LinkTokenRequest),
      parse: 'json',
      response: { 200: LinkTokenResponse, 404: ProblemSchema, 502: ProblemSchema },
      detail: {
        tags: ['banks'],
        summary: 'A Plaid Link token: to connect a bank, or with itemId to reconnect one (update mode)',
      },
    })
    .post(
      '/items',
      async ({ session, body, client, set }) => {
        const item = await linkItem(items, session.userId, body, client)
        set.status = 201
        return { item }
      },
      {
        auth: true,
        body: LinkItemRequest,
        parse: 'json',
        response: {
          201: t.Object({ item: ItemView }),
          409: ProblemSchema,
          422: ProblemSchema,
          502: ProblemSchema,
        },
        detail: {
          tags: ['banks'],
          summary: "Finish linking: exchange Link's public token; the first sync is queued",
          description:
            'The accounts come from Plaid; `accounts` from Link metadata is accepted but not trusted.',
        },
      },
    )
    .get('/items', async ({ session }) => ({ items: await listItems(deps.sql, session.userId) }), {
      auth: true,
      response: { 200: t.Object({ items: t.Array(ItemView) }) },
      detail: { tags: ['banks'], summary: 'Your linked banks with their status and last sync' },
    })
    .delete(
      '/items/:id',
      async ({ session, params, client, set }) => {
        await deleteItem(items, session.userId, params.id, client)
        set.status = 204
      },
      {
        auth: true,
        params: ItemParams,
        response: { 404: ProblemSchema, 502: ProblemSchema },
        detail: { tags: ['banks'], summary: 'Remove a bank at Plaid and delete all its data here' },
      },
    )
    .post(
      '/items/:id/reconnected',
      async ({ session, params }) => ({ item: await confirmReconnected(items, session.userId, params.id) }),
      {
        auth: true,
        params: ItemParams,
        response: {
          200: t.Object({ item: ItemView }),
          404: ProblemSchema,
          409: ProblemSchema,
          502: ProblemSchema,
        },
        detail: {
          tags: ['banks'],
          summary: 'After reconnecting in Link update mode: check with Plaid and resume syncing',
        },
      },
    )
    .post(
      '/items/:id/sync',
      async ({ session, params, set }) => {
        const result = await requestSync(items, session.userId, params.id)
        set.status = 202
        return result
      },
      {
        auth: true,
        params: ItemParams,
        response: { 202: t.Object({ queued: t.Boolean() }), 404: ProblemSchema, 429: ProblemSchema },
        detail: { tags: ['banks'], summary: 'Sync a bank now (at most once a minute)' },
      },
    )
}
