import { useState } from 'preact/hooks'
import { api } from '../api.ts'
import { announce, clientConfig, currentUser, loginNotice } from '../state.ts'
import { PageTitle, ProblemMessage, useAction } from '../ui.tsx'

export default function AuthPage() {
  const signupsOpen = clientConfig.value?.signups !== 'closed'
  const [mode, setMode] = useState<'login' | 'signup'>('login')
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const action = useAction()
  const signingUp = mode === 'signup' && signupsOpen

  async function submit(event: Event) {
    event.preventDefault()
    await action.run(async () => {
      const { user } = signingUp
        ? await api.signup({ email, password })
        : await api.login({ email, password })
      loginNotice.value = ''
      currentUser.value = user
      announce(signingUp ? 'Account created. Welcome to Tally.' : 'Logged in')
    })
  }

  return (
    <section class="auth card">
      <PageTitle title={signingUp ? 'Create your account' : 'Log in'}>
        {signingUp ? 'Create your account' : 'Log in to Tally'}
      </PageTitle>
      {loginNotice.value && (
        <p class="notice" role="status">
          {loginNotice.value}
        </p>
      )}
      <form onSubmit={submit} noValidate={false}>
        <label for="email">Email</label>
        <input
          id="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
        <label for="password">Password</label>
        <input
          id="password"
          type="password"
          autoComplete={signingUp ? 'new-password' : 'current-password'}
          required
          minLength={signingUp ? 12 : 1}
          aria-describedby={signingUp ? 'password-hint' : undefined}
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        {signingUp && (
          <p id="password-hint" class="hint">
            At least 12 characters. A long phrase of a few unrelated words works well.
          </p>
        )}
        <ProblemMessage error={action.error} />
        <button type="submit" class="primary wide" disabled={action.busy}>
          {action.busy ? 'Please wait…' : signingUp ? 'Create account' : 'Log in'}
        </button>
      </form>
      {signupsOpen && (
        <p class="switch">
          {signingUp ? 'Already have an account?' : 'New to Tally?'}{' '}
          <button
            type="button"
            class="link"
            onClick={() => {
              setMode(signingUp ? 'login' : 'signup')
              action.clear()
            }}
          >
            {signingUp ? 'Log in' : 'Create an account'}
          </button>
        </p>
      )}
    </section>
  )
}
