import { useState } from 'preact/hooks'
import { type AuditPage, api, type Session } from '../api.ts'
import { dateTime } from '../format.ts'
import { announce, currentUser, loginNotice } from '../state.ts'
import {
  Async,
  ConfirmDialog,
  Loading,
  PageTitle,
  ProblemMessage,
  toApiError,
  useAction,
  useLoad,
} from '../ui.tsx'

export default function SettingsPage() {
  return (
    <>
      <PageTitle title="Settings">Settings</PageTitle>
      <div class="grid">
        <Sessions />
        <PasswordChange />
        <AuditLog />
        <DeleteAccount />
      </div>
    </>
  )
}

function device(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device'
  const browser =
    /(Firefox|Edg|Chrome|Safari)\/[\d.]+/.exec(userAgent)?.[1]?.replace('Edg', 'Edge') ?? 'Browser'
  const system =
    /(Windows|Mac OS X|Android|iPhone|Linux)/.exec(userAgent)?.[1]?.replace('Mac OS X', 'macOS') ?? ''
  return system ? `${browser} on ${system}` : browser
}

function Sessions() {
  const sessions = useLoad(() => api.sessions())
  const action = useAction()
  async function revoke(session: Session) {
    if (await action.run(() => api.revokeSession(session.id))) {
      if (session.current) {
        loginNotice.value = 'You have logged out.'
        currentUser.value = null
        return
      }
      announce('Session ended')
      sessions.reload()
    }
  }
  return (
    <section class="card span-2" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Where you are logged in</h2>
      <ProblemMessage error={action.error} />
      <Async state={sessions} label="Loading sessions…">
        {({ sessions: list }) => (
          <>
            <ul class="rows">
              {list.map((s) => (
                <li key={s.id}>
                  <div>
                    <strong>{device(s.userAgent)}</strong>
                    {s.current && <span class="badge">This device</span>}
                    <span class="muted small block">
                      {s.ip ?? 'unknown address'} · last active {dateTime(s.lastSeenAt)} · since{' '}
                      {dateTime(s.createdAt)}
                    </span>
                  </div>
                  <button
                    type="button"
                    disabled={action.busy}
                    onClick={() => revoke(s)}
                    aria-label={`${s.current ? 'Log out' : 'End session'}: ${device(s.userAgent)}, last active ${dateTime(s.lastSeenAt)}`}
                  >
                    {s.current ? 'Log out' : 'End session'}
                  </button>
                </li>
              ))}
            </ul>
            {list.length > 1 && (
              <button
                type="button"
                disabled={action.busy}
                onClick={async () => {
                  let revoked = 0
                  if (await action.run(async () => ({ revoked } = await api.revokeOtherSessions()))) {
                    announce(`${revoked} other session${revoked === 1 ? '' : 's'} ended`)
                    sessions.reload()
                  }
                }}
              >
                Log out everywhere else
              </button>
            )}
          </>
        )}
      </Async>
    </section>
  )
}

function PasswordChange() {
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [done, setDone] = useState('')
  const action = useAction()
  return (
    <section class="card" aria-labelledby="pw-heading">
      <h2 id="pw-heading">Change password</h2>
      <form
        onSubmit={async (event) => {
          event.preventDefault()
          setDone('')
          let revoked = 0
          if (
            await action.run(
              async () =>
                ({ revokedSessions: revoked } = await api.changePassword({
                  currentPassword: current,
                  newPassword: next,
                })),
            )
          ) {
            setCurrent('')
            setNext('')
            setDone(
              `Password changed.${revoked ? ` ${revoked} other session${revoked === 1 ? '' : 's'} ended.` : ''}`,
            )
            announce('Password changed')
          }
        }}
      >
        <input
          type="text"
          name="username"
          autoComplete="username"
          value={currentUser.value?.email ?? ''}
          hidden
          readOnly
          aria-hidden="true"
          tabIndex={-1}
        />
        <label for="pw-current">Current password</label>
        <input
          id="pw-current"
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onInput={(e) => setCurrent(e.currentTarget.value)}
        />
        <label for="pw-new">New password</label>
        <input
          id="pw-new"
          type="password"
          autoComplete="new-password"
          required
          minLength={12}
          aria-describedby="pw-hint"
          value={next}
          onInput={(e) => setNext(e.currentTarget.value)}
        />
        <p id="pw-hint" class="hint">
          At least 12 characters. Your other sessions will end.
        </p>
        <ProblemMessage error={action.error} />
        {done && (
          <p class="success" role="status">
            {done}
          </p>
        )}
        <button type="submit" class="primary" disabled={action.busy}>
          {action.busy ? 'Changing…' : 'Change password'}
        </button>
      </form>
    </section>
  )
}

const EVENTS: Record<string, string> = {
  signup: 'Account created',
  login_succeeded: 'Logged in',
  login_failed: 'Failed log-in',
  logout: 'Logged out',
  password_changed: 'Password changed',
  session_revoked: 'Session ended',
  sessions_revoked_others: 'Other sessions ended',
  bank_linked: 'Bank connected',
  bank_removed: 'Bank removed',
}

function AuditLog() {
  const first = useLoad(() => api.audit())
  const [more, setMore] = useState<AuditPage['events']>([])
  const [cursor, setCursor] = useState<string | null>()
  const action = useAction()
  const next = cursor === undefined ? first.data?.nextCursor : cursor
  return (
    <section class="card" aria-labelledby="audit-heading">
      <h2 id="audit-heading">Security activity</h2>
      <Async state={first} label="Loading activity…">
        {({ events }) => (
          <>
            <ol class="rows audit">
              {[...events, ...more].map((e) => (
                <li key={e.id}>
                  <div>
                    <strong>{EVENTS[e.event] ?? e.event.replaceAll('_', ' ')}</strong>
                    <span class="muted small block">
                      {dateTime(e.createdAt)} · {e.ip ?? 'unknown address'}
                    </span>
                  </div>
                </li>
              ))}
            </ol>
            <ProblemMessage error={action.error} />
            {action.busy && <Loading />}
            {next && (
              <button
                type="button"
                disabled={action.busy}
                onClick={() =>
                  action.run(async () => {
                    const page = await api.audit(next).catch((e) => Promise.reject(toApiError(e)))
                    setMore([...more, ...page.events])
                    setCursor(page.nextCursor)
                  })
                }
              >
                Show older
              </button>
            )}
          </>
        )}
      </Async>
    </section>
  )
}

function DeleteAccount() {
  const [open, setOpen] = useState(false)
  const [password, setPassword] = useState('')
  const action = useAction()
  return (
    <section class="card span-2 danger-zone" aria-labelledby="delete-heading">
      <h2 id="delete-heading">Delete account</h2>
      <p>Deletes your account, disconnects every bank and erases all their data. This cannot be undone.</p>
      <button type="button" class="danger" onClick={() => setOpen(true)}>
        Delete my account…
      </button>
      <ConfirmDialog
        open={open}
        title="Delete your account?"
        confirmLabel="Delete everything"
        busy={action.busy}
        error={action.error}
        onCancel={() => {
          setOpen(false)
          setPassword('')
          action.clear()
        }}
        onConfirm={async () => {
          if (await action.run(() => api.deleteAccount({ password }))) {
            loginNotice.value = 'Your account and all its data were deleted.'
            currentUser.value = null
          }
        }}
      >
        <p>Enter your password to confirm.</p>
        <label for="delete-password">Password</label>
        <input
          id="delete-password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
      </ConfirmDialog>
    </section>
  )
}
