import { type ComponentType, render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { api, whenUnauthenticated } from './api.ts'
import {
  announce,
  announcement,
  clientConfig,
  currentUser,
  loginNotice,
  ROUTES,
  type RouteName,
  route,
} from './state.ts'
import { Loading, ProblemMessage, toApiError } from './ui.tsx'

type PageModule = { default: ComponentType }
// Each page is its own chunk, fetched when first shown.
const PAGES: Record<RouteName | 'auth', () => Promise<PageModule>> = {
  auth: () => import('./pages/auth.tsx'),
  overview: () => import('./pages/overview.tsx'),
  transactions: () => import('./pages/transactions.tsx'),
  banks: () => import('./pages/banks.tsx'),
  settings: () => import('./pages/settings.tsx'),
}

function LazyPage({ name }: { name: keyof typeof PAGES }) {
  const [loaded, setLoaded] = useState<{ name: string; Page: ComponentType }>()
  const [failed, setFailed] = useState<unknown>()
  useEffect(() => {
    let live = true
    setFailed(undefined)
    PAGES[name]().then(
      (module) => live && setLoaded({ name, Page: module.default }),
      (error) => live && setFailed(error),
    )
    return () => {
      live = false
    }
  }, [name])
  if (failed) return <ProblemMessage error={toApiError(new Error('chunk'))} retry={() => location.reload()} />
  if (!loaded || loaded.name !== name) return <Loading />
  return <loaded.Page />
}

whenUnauthenticated(() => {
  if (currentUser.value) {
    loginNotice.value = 'Your session has ended. Please log in again.'
    currentUser.value = null
  }
})

async function logout() {
  try {
    await api.logout()
  } finally {
    currentUser.value = null
    loginNotice.value = 'You have logged out.'
    announce('Logged out')
  }
}

function Header() {
  const user = currentUser.value
  return (
    <header class="top">
      <a class="brand" href="#/">
        <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
          <path d="M4 20V10M10 20V4M16 20v-7M22 20H2" />
        </svg>
        Tally
      </a>
      {user && (
        <>
          <nav aria-label="Main">
            <ul>
              {ROUTES.map((r) => (
                <li key={r.name}>
                  <a href={r.path} aria-current={route.value === r.name ? 'page' : undefined}>
                    {r.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <div class="who">
            <span class="muted small email" title={user.email}>
              {user.email}
            </span>
            <button type="button" class="quiet" onClick={logout}>
              Log out
            </button>
          </div>
        </>
      )}
    </header>
  )
}

function Shell() {
  const user = currentUser.value
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <Header />
      <main id="main" tabIndex={-1}>
        {user === undefined ? (
          <Loading label="Starting Tally…" />
        ) : (
          <LazyPage name={user ? route.value : 'auth'} />
        )}
      </main>
      <div class="sr-only" aria-live="polite" aria-atomic="true">
        {announcement.value}
      </div>
    </>
  )
}

async function start() {
  const [config, me] = await Promise.allSettled([api.clientConfig(), api.me()])
  if (config.status === 'fulfilled') clientConfig.value = config.value
  currentUser.value = me.status === 'fulfilled' ? me.value.user : null
}

const root = document.getElementById('app')
if (root) {
  render(<Shell />, root)
  start()
}
