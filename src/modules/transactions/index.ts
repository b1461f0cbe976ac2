import { Elysia, t } from 'elysia'
import type { AppDeps } from '../../app.ts'
import { authentication } from '../../http/authentication.ts'
import { decodeCursor, encodeCursor, invalidCursor } from '../../http/pagination.ts'
import { requestContextOf } from '../../http/request-context.ts'
import { ProblemSchema } from '../../http/schemas.ts'
import { type Cell, csvStream, decimal } from './csv.ts'
import { validateFilters } from './filters.ts'
import {
  TransactionFilterQuery,
  TransactionListQuery,
  TransactionPage,
  type TransactionView,
} from './model.ts'
import { listTransactions, type TransactionKey, transactionBatches } from './service.ts'

const DATE = /^\d{4}-\d{2}-\d{2}$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A cursor is [date, id] of the last row of the previous page; anything else was not issued by us. */
function positionAfter(cursor: string | undefined): TransactionKey | null {
  if (cursor === undefined) return null
  const [date, id] = decodeCursor(cursor, ['string', 'string'] as const)
  if (!DATE.test(date) || Number.isNaN(Date.parse(date)) || !UUID.test(id)) throw invalidCursor()
  return { date, id }
}

const CSV_HEADER = [
  'id',
  'date',
  'authorized_date',
  'account_id',
  'account_name',
  'name',
  'merchant_name',
  'amount',
  'currency',
  'category_primary',
  'category_detailed',
  'payment_channel',
  'pending',
] as const

const csvCells = (row: TransactionView): Cell[] => [
  row.id,
  row.date,
  row.authorizedDate,
  row.accountId,
  row.accountName,
  row.name,
  row.merchantName,
  decimal(row.amount),
  row.currency,
  row.category.primary,
  row.category.detailed,
  row.paymentChannel,
  row.pending,
]

/** The iterator with its first result already fetched, so that a failing query is still a problem response. */
async function started<T>(iterator: AsyncGenerator<T, void, undefined>): Promise<AsyncIterator<T>> {
  let first: IteratorResult<T, void> | null = await iterator.next()
  return {
    next: async () => {
      const result = first ?? (await iterator.next())
      first = null
      return result
    },
    return: () => iterator.return(undefined),
  }
}

export function transactionRoutes(deps: AppDeps) {
  const now = deps.now ?? (() => new Date())
  return new Elysia({ name: 'tally/transactions', prefix: '/api/transactions' })
    .use(authentication(deps))
    .get(
      '',
      async ({ session, query }) => {
        const { cursor, limit, ...filterQuery } = query
        const filters = validateFilters(filterQuery)
        const page = await listTransactions(deps.sql, session.userId, filters, {
          after: positionAfter(cursor),
          limit: limit ?? 50,
        })
        return {
          transactions: page.transactions,
          nextCursor: page.next ? encodeCursor([page.next.date, page.next.id]) : null,
        }
      },
      {
        auth: true,
        query: TransactionListQuery,
        response: { 200: TransactionPage, 401: ProblemSchema, 422: ProblemSchema },
        detail: {
          tags: ['data'],
          summary: 'Your transactions, newest first, filtered and keyset-paginated',
        },
      },
    )
    .get(
      '/export.csv',
      async ({ session, query, request }) => {
        const filters = validateFilters(query)
        const batches = await started(transactionBatches(deps.sql, session.userId, filters))
        const requestId = requestContextOf(request).id
        const body = csvStream(CSV_HEADER, batches, csvCells, (error) =>
          deps.logger.error({ err: error, requestId }, 'transaction export failed mid-stream'),
        )
        const day = now().toISOString().slice(0, 10)
        return new Response(body, {
          headers: {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="tally-transactions-${day}.csv"`,
            'cache-control': 'no-store',
          },
        })
      },
      {
        auth: true,
        query: TransactionFilterQuery,
        response: {
          200: t.String({ description: 'RFC 4180 CSV with a header row', contentMediaType: 'text/csv' }),
          401: ProblemSchema,
          422: ProblemSchema,
        },
        detail: {
          tags: ['data'],
          summary: 'Every transaction matching the filters as a CSV download (streamed)',
        },
      },
    )
}
