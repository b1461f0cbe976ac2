import { signal } from '@preact/signals'
import type { ClientConfig, User } from './api.ts'

/** The logged-in user; null when logged out, undefined while Tally is finding out. */
export const currentUser = signal<User | null | undefined>(undefined)
export const clientConfig = signal<ClientConfig | null>(null)
/** Read by screen readers through the polite live region in the shell. */
export const announcement = signal('')
/** Why the log-in screen is showing, e.g. after a session expired. */
export const loginNotice = signal('')

export function announce(message: string) {
  // Cleared first so the same message twice is announced twice.
  announcement.value = ''
  queueMicrotask(() => {
    announcement.value = message
  })
}

export type RouteName = 'overview' | 'transactions' | 'banks' | 'settings'
export const ROUTES: { name: RouteName; path: string; label: string }[] = [
  { name: 'overview', path: '#/', label: 'Overview' },
  { name: 'transactions', path: '#/transactions', label: 'Transactions' },
  { name: 'banks', path: '#/banks', label: 'Banks' },
  { name: 'settings', path: '#/settings', label: 'Settings' },
]

function routeFromHash(): RouteName {
  const path = location.hash.replace(/^#\/?/, '').split('?')[0]
  return ROUTES.find((route) => route.name === path)?.name ?? 'overview'
}

export const route = signal<RouteName>(routeFromHash())
addEventListener('hashchange', () => {
  // In-page anchors such as the skip link (#main) are not routes.
  if (location.hash === '' || location.hash.startsWith('#/')) route.value = routeFromHash()
})
