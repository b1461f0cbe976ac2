import { useEffect, useState } from 'preact/hooks'
import { PRIMARY_CATEGORIES } from '../../modules/transactions/categories.ts'
import type { ApiError } from '../api.ts'
import { api, type Transaction, type TransactionFilters } from '../api.ts'
import { categoryLabel, day, flow, money } from '../format.ts'
import { announce } from '../state.ts'
import { Empty, Loading, PageTitle, ProblemMessage, toApiError, useLoad } from '../ui.tsx'

type Category = NonNullable<TransactionFilters['category']>
const CATEGORIES: readonly Category[] = PRIMARY_CATEGORIES

interface Draft {
  q: string
  accountId: string
  category: string
  from: string
  to: string
  minAmount: string
  maxAmount: string
}
const EMPTY: Draft = { q: '', accountId: '', category: '', from: '', to: '', minAmount: '', maxAmount: '' }

function toFilters(draft: Draft): TransactionFilters {
  const filters: TransactionFilters = {}
  if (draft.q.trim()) filters.q = draft.q.trim()
  if (draft.accountId) filters.accountId = draft.accountId
  if (draft.category) filters.category = draft.category as Category
  if (draft.from) filters.from = draft.from
  if (draft.to) filters.to = draft.to
  if (draft.minAmount.trim()) filters.minAmount = draft.minAmount.trim()
  if (draft.maxAmount.trim()) filters.maxAmount = draft.maxAmount.trim()
  return filters
}

export default function TransactionsPage() {
  const accounts = useLoad(() => api.accounts())
  const [draft, setDraft] = useState<Draft>(EMPTY)
  const [filters, setFilters] = useState<TransactionFilters>({})
  const [rows, setRows] = useState<Transaction[]>()
  const [cursor, setCursor] = useState<string | null>(null)
  const [error, setError] = useState<ApiError>()
  const [loading, setLoading] = useState(false)

  async function load(next: TransactionFilters, after?: string) {
    setLoading(true)
    setError(undefined)
    try {
      const page = await api.transactions(next, after)
      setRows((previous) => (after ? [...(previous ?? []), ...page.transactions] : page.transactions))
      setCursor(page.nextCursor)
      if (!after)
        announce(`${page.transactions.length}${page.nextCursor ? ' or more' : ''} transactions found`)
      else announce(`${page.transactions.length} more transactions loaded`)
    } catch (failure) {
      setError(toApiError(failure))
    } finally {
      setLoading(false)
    }
  }
  useEffect(() => {
    load({})
  }, [])

  const field = (name: keyof Draft) => ({
    id: `f-${name}`,
    name,
    value: draft[name],
    onInput: (e: Event) => setDraft({ ...draft, [name]: (e.currentTarget as HTMLInputElement).value }),
  })

  function apply(event: Event) {
    event.preventDefault()
    const next = toFilters(draft)
    setFilters(next)
    load(next)
  }

  return (
    <>
      <PageTitle title="Transactions">Transactions</PageTitle>
      <search>
        <form class="card filters" onSubmit={apply} aria-label="Filter transactions">
          <div class="field wide">
            <label for="f-q">Search</label>
            <input type="search" placeholder="Name or merchant" maxLength={100} {...field('q')} />
          </div>
          <div class="field">
            <label for="f-accountId">Account</label>
            <select {...field('accountId')} onChange={field('accountId').onInput}>
              <option value="">All accounts</option>
              {accounts.data?.accounts.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                  {a.mask ? ` ··${a.mask}` : ''} ({a.institution.name})
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="f-category">Category</label>
            <select {...field('category')} onChange={field('category').onInput}>
              <option value="">All categories</option>
              {CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {categoryLabel(c)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="f-from">From</label>
            <input type="date" {...field('from')} />
          </div>
          <div class="field">
            <label for="f-to">To</label>
            <input type="date" {...field('to')} />
          </div>
          <div class="field">
            <label for="f-minAmount">Min amount</label>
            <input
              inputMode="decimal"
              pattern="-?\d+(\.\d{1,2})?"
              aria-describedby="amount-hint"
              {...field('minAmount')}
            />
          </div>
          <div class="field">
            <label for="f-maxAmount">Max amount</label>
            <input
              inputMode="decimal"
              pattern="-?\d+(\.\d{1,2})?"
              aria-describedby="amount-hint"
              {...field('maxAmount')}
            />
          </div>
          <p id="amount-hint" class="hint wide">
            Amounts: positive is money out, negative is money in.
          </p>
          <div class="actions wide">
            <button type="submit" class="primary" disabled={loading}>
              Search
            </button>
            <button
              type="button"
              onClick={() => {
                setDraft(EMPTY)
                setFilters({})
                load({})
              }}
            >
              Clear
            </button>
            <a class="button" href={api.exportUrl(filters)} download>
              Export CSV
            </a>
          </div>
        </form>
      </search>
      <ProblemMessage error={error} retry={() => load(filters)} />
      {rows === undefined ? (
        loading && <Loading label="Loading transactions…" />
      ) : rows.length === 0 ? (
        <Empty title="No transactions found">
          <p>
            {Object.keys(filters).length
              ? 'Try fewer filters.'
              : 'Connect a bank; its transactions appear after the first sync.'}
          </p>
        </Empty>
      ) : (
        <section class="card" aria-labelledby="tx-heading">
          <h2 id="tx-heading" class="sr-only">
            Results
          </h2>
          <div class="table-wrap">
            <table class="transactions">
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Description</th>
                  <th scope="col">Category</th>
                  <th scope="col">Account</th>
                  <th scope="col" class="num">
                    Amount
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((t) => (
                  <tr key={t.id}>
                    <td class="date">{day(t.date)}</td>
                    <td class="desc">
                      {t.merchantName ?? t.name}
                      {t.merchantName && t.merchantName !== t.name && (
                        <span class="muted small block">{t.name}</span>
                      )}
                      {t.pending && <span class="badge">Pending</span>}
                    </td>
                    <td class="cat">{categoryLabel(t.category.primary)}</td>
                    <td class="acct">{t.accountName}</td>
                    <td class={t.amount.startsWith('-') ? 'num in' : 'num'}>
                      {money(flow(t.amount), t.currency, true)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p class="muted small">
            Showing {rows.length} transaction{rows.length === 1 ? '' : 's'}
            {cursor ? '; more available.' : '.'}
          </p>
          {cursor && (
            <button type="button" onClick={() => load(filters, cursor)} disabled={loading}>
              {loading ? 'Loading…' : 'Load more'}
            </button>
          )}
        </section>
      )}
    </>
  )
}
