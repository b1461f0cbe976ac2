import { Elysia, t } from 'elysia'

/** Liveness: the process is up and serving HTTP. Readiness and detailed checks come with the health work. */
export const healthRoutes = new Elysia({ name: 'tally/health', prefix: '/health' }).get(
  '',
  ({ set }) => {
    set.headers['cache-control'] = 'no-store'
    return { status: 'pass' as const }
  },
  { response: t.Object({ status: t.Literal('pass') }), detail: { summary: 'Liveness', tags: ['health'] } },
)
