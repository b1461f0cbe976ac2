import { useEffect, useRef, useState } from 'preact/hooks'
import { api, type Item, type StandInAccount, type StandInSession } from './api.ts'
import { Loading, ProblemMessage, useAction } from './ui.tsx'

/**
 * The simulator's stand-in for Plaid Link (docs/SIMULATOR.md), driven through Tally's same-origin
 * proxy: choose a bank, log in with a test user, choose accounts. Shown only with PLAID_ENV=simulator.
 */
export function StandIn({
  item,
  onDone,
  onCancel,
}: {
  item?: Item
  onDone: (message: string) => void
  onCancel: () => void
}) {
  const [session, setSession] = useState<StandInSession>()
  const [institutionId, setInstitutionId] = useState<string>()
  const [username, setUsername] = useState('user_good')
  const [password, setPassword] = useState('')
  const [accounts, setAccounts] = useState<StandInAccount[]>()
  const [chosen, setChosen] = useState<string[]>([])
  const action = useAction()
  const heading = useRef<HTMLHeadingElement>(null)

  useEffect(() => {
    action.run(async () => {
      const { linkToken } = await api.linkToken(item?.id)
      const opened = await api.standIn.open(linkToken)
      setSession(opened)
      if (opened.institution) setInstitutionId(opened.institution.institutionId)
    })
  }, [item?.id, action.run])

  // Each step's heading takes focus, so the dialog reads as a sequence.
  useEffect(() => heading.current?.focus(), [institutionId, accounts])

  async function cancel() {
    if (session) await api.standIn.exit(session.sessionId).catch(() => {})
    onCancel()
  }

  if (!session)
    return action.error ? (
      <Steps error={action.error} onCancel={onCancel} />
    ) : (
      <Loading label="Opening Link…" />
    )
  const bank = session.institutions.find((i) => i.institutionId === institutionId) ?? session.institution

  if (!institutionId)
    return (
      <div class="stand-in">
        <h3 ref={heading} tabIndex={-1}>
          Choose your bank
        </h3>
        <p class="hint">This is Tally's offline Plaid simulator: no real bank is contacted.</p>
        <ul class="choices">
          {session.institutions.map((i) => (
            <li key={i.institutionId}>
              <button type="button" class="choice" onClick={() => setInstitutionId(i.institutionId)}>
                {i.name}
              </button>
            </li>
          ))}
        </ul>
        <div class="actions">
          <button type="button" onClick={cancel}>
            Cancel
          </button>
        </div>
      </div>
    )

  if (!accounts)
    return (
      <form
        class="stand-in"
        onSubmit={(event) => {
          event.preventDefault()
          action.run(async () => {
            const result = await api.standIn.credentials(session.sessionId, {
              ...(session.mode === 'create' ? { institutionId } : {}),
              username,
              password,
            })
            setAccounts(result.accounts)
            setChosen(result.accounts.map((a) => a.id))
          })
        }}
      >
        <h3 ref={heading} tabIndex={-1}>
          Log in to {bank?.name}
        </h3>
        <p class="hint" id="sim-hint">
          Test user: <code>user_good</code> / <code>pass_good</code>.
        </p>
        <label for="sim-user">Username</label>
        <input
          id="sim-user"
          autoComplete="off"
          required
          value={username}
          onInput={(e) => setUsername(e.currentTarget.value)}
          aria-describedby="sim-hint"
        />
        <label for="sim-pass">Password</label>
        <input
          id="sim-pass"
          type="password"
          autoComplete="off"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        <ProblemMessage error={action.error} />
        <div class="actions">
          <button type="button" onClick={cancel}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={action.busy}>
            {action.busy ? 'Checking…' : 'Log in'}
          </button>
        </div>
      </form>
    )

  return (
    <form
      class="stand-in"
      onSubmit={(event) => {
        event.preventDefault()
        action.run(async () => {
          const success = await api.standIn.accounts(session.sessionId, chosen)
          if (item) {
            await api.reconnected(item.id)
            onDone(`${item.institutionName} reconnected`)
          } else {
            const { item: linked } = await api.linkItem({
              publicToken: success.publicToken,
              institutionId: success.institution.institutionId,
              accounts: success.accounts.map((a) => ({
                id: a.id,
                name: a.name,
                mask: a.mask,
                type: a.type,
                subtype: a.subtype,
              })),
            })
            onDone(`${linked.institutionName} connected; syncing its transactions`)
          }
        })
      }}
    >
      <fieldset>
        <legend>
          <h3 ref={heading} tabIndex={-1}>
            Choose accounts to share
          </h3>
        </legend>
        {accounts.map((a) => (
          <div class="check" key={a.id}>
            <input
              type="checkbox"
              id={`acct-${a.id}`}
              checked={chosen.includes(a.id)}
              onChange={(e) =>
                setChosen(e.currentTarget.checked ? [...chosen, a.id] : chosen.filter((id) => id !== a.id))
              }
            />
            <label for={`acct-${a.id}`}>
              {a.name}{' '}
              <span class="muted">
                ··{a.mask} · {a.subtype ?? a.type}
              </span>
            </label>
          </div>
        ))}
      </fieldset>
      <ProblemMessage error={action.error} />
      <div class="actions">
        <button type="button" onClick={cancel}>
          Cancel
        </button>
        <button type="submit" class="primary" disabled={action.busy || chosen.length === 0}>
          {action.busy ? 'Connecting…' : item ? 'Reconnect' : 'Connect'}
        </button>
      </div>
    </form>
  )
}

function Steps({
  error,
  onCancel,
}: {
  error: Parameters<typeof ProblemMessage>[0]['error']
  onCancel: () => void
}) {
  return (
    <>
      <ProblemMessage error={error} />
      <div class="actions">
        <button type="button" onClick={onCancel}>
          Close
        </button>
      </div>
    </>
  )
}
