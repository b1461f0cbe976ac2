import { type Account, api } from '../api.ts'
import { BarList, Columns, LineChart } from '../charts.tsx'
import { categoryLabel, dateTime, day, money, month, subtract } from '../format.ts'
import { Async, Empty, PageTitle, useLoad } from '../ui.tsx'

export default function OverviewPage() {
  const data = useLoad(async () => {
    const [accounts, netWorth, spending] = await Promise.all([
      api.accounts(),
      api.netWorth('week'),
      api.spending(6),
    ])
    return { accounts: accounts.accounts, netWorth, spending }
  })
  return (
    <>
      <PageTitle title="Overview">Overview</PageTitle>
      <Async state={data} label="Loading your overview…">
        {({ accounts, netWorth, spending }) =>
          accounts.length === 0 ? (
            <Empty title="No banks connected yet">
              <p>Connect a bank to see your net worth, balances and spending here.</p>
              <a class="button primary" href="#/banks">
                Connect a bank
              </a>
            </Empty>
          ) : (
            <div class="grid">
              <NetWorthCard netWorth={netWorth} />
              <SpendingCard spending={spending} />
              <CategoriesCard spending={spending} />
              <BalancesCard accounts={accounts} />
            </div>
          )
        }
      </Async>
    </>
  )
}

type NetWorth = Awaited<ReturnType<typeof api.netWorth>>
type Spending = Awaited<ReturnType<typeof api.spending>>

function NetWorthCard({ netWorth }: { netWorth: NetWorth }) {
  const series = netWorth.series[0]
  const points = series?.points.filter((p) => p.accounts > 0) ?? []
  const first = points[0]
  const last = points[points.length - 1]
  return (
    <section class="card span-2" aria-labelledby="nw-heading">
      <h2 id="nw-heading">Net worth</h2>
      {!series || !last || !first ? (
        <p class="muted">No balances recorded yet; they appear after the first sync.</p>
      ) : (
        <>
          <p class="figure">{money(last.netWorth, series.currency)}</p>
          <p class="muted">
            {money(subtract(last.netWorth, first.netWorth), series.currency, true)} since {day(first.date)} ·
            assets {money(last.assets, series.currency)}, owed {money(last.liabilities, series.currency)}
          </p>
          <LineChart
            title="Net worth by week"
            description={`From ${money(first.netWorth, series.currency)} on ${day(first.date)} to ${money(last.netWorth, series.currency)} on ${day(last.date)}`}
            points={points.map((p) => ({ label: p.date, value: Number(p.netWorth) }))}
          />
          {netWorth.series.length > 1 && (
            <p class="muted small">Other currencies are not shown in this chart.</p>
          )}
        </>
      )}
    </section>
  )
}

function SpendingCard({ spending }: { spending: Spending }) {
  const series = spending.series[0]
  const months = series?.months ?? []
  const current = months[months.length - 1]
  const previous = months[months.length - 2]
  return (
    <section class="card" aria-labelledby="spend-heading">
      <h2 id="spend-heading">Spending this month</h2>
      {!series || !current ? (
        <p class="muted">No spending yet.</p>
      ) : (
        <>
          <p class="figure">{money(current.spending, series.currency)}</p>
          {previous && (
            <p class="muted">
              Last month ({month(previous.month)}): {money(previous.spending, series.currency)}
              <br />
              Difference: {money(subtract(current.spending, previous.spending), series.currency, true)}
            </p>
          )}
          <Columns
            title="Spending by month"
            bars={months.map((m) => ({
              label: month(m.month, true),
              value: Number(m.spending),
              text: money(m.spending, series.currency),
            }))}
          />
        </>
      )}
    </section>
  )
}

function CategoriesCard({ spending }: { spending: Spending }) {
  const series = spending.series[0]
  const current = series?.months[series.months.length - 1]
  const categories =
    current?.categories
      .filter((c) => Number(c.spending) !== 0)
      .sort((a, b) => Number(b.spending) - Number(a.spending))
      .slice(0, 8) ?? []
  return (
    <section class="card" aria-labelledby="cat-heading">
      <h2 id="cat-heading">By category, this month</h2>
      {!series || categories.length === 0 ? (
        <p class="muted">Nothing spent this month yet.</p>
      ) : (
        <BarList
          label="Spending by category this month"
          bars={categories.map((c) => ({
            label: categoryLabel(c.category),
            value: Number(c.spending),
            text: money(c.spending, series.currency),
          }))}
        />
      )}
    </section>
  )
}

function BalancesCard({ accounts }: { accounts: Account[] }) {
  const banks = new Map<string, Account[]>()
  for (const account of accounts)
    banks.set(account.institution.name, [...(banks.get(account.institution.name) ?? []), account])
  return (
    <section class="card span-2" aria-labelledby="bal-heading">
      <h2 id="bal-heading">Balances</h2>
      {[...banks].map(([bank, list]) => (
        <div class="table-wrap" key={bank}>
          <table>
            <caption>{bank}</caption>
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col" class="type">
                  Type
                </th>
                <th scope="col" class="num">
                  Balance
                </th>
                <th scope="col" class="num">
                  Available
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((a) => (
                <tr key={a.id}>
                  <th scope="row">
                    {a.name}
                    {a.mask && <span class="muted"> ··{a.mask}</span>}
                  </th>
                  <td class="type">{a.subtype ?? a.type}</td>
                  <td class="num">{money(a.balances.current, a.currency)}</td>
                  <td class="num">{money(a.balances.available, a.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="muted small">Updated {dateTime(list[0]?.balancesUpdatedAt ?? null)}</p>
        </div>
      ))}
    </section>
  )
}
