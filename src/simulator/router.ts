/** A small method + path-pattern router for the simulator's own JSON APIs (`:name` segments are params). */
export type Params = Readonly<Record<string, string>>

export type RouteMatch<H> =
  | { readonly handler: H; readonly params: Params }
  | 'method-not-allowed'
  | undefined

export type Router<H> = {
  add(method: string, pattern: string, handler: H): Router<H>
  match(method: string, path: string): RouteMatch<H>
}

export function createRouter<H>(): Router<H> {
  const routes: Array<{ method: string; segments: string[]; handler: H }> = []
  const router: Router<H> = {
    add(method, pattern, handler) {
      routes.push({ method, segments: pattern.split('/').filter(Boolean), handler })
      return router
    },
    match(method, path) {
      const parts = path.split('/').filter(Boolean)
      let pathMatched = false
      for (const route of routes) {
        if (route.segments.length !== parts.length) continue
        const params: Record<string, string> = {}
        const fits = route.segments.every((segment, index) => {
          const part = parts[index] as string
          if (segment.startsWith(':')) {
            try {
              params[segment.slice(1)] = decodeURIComponent(part)
            } catch {
              return false
            }
            return true
          }
          return segment === part
        })
        if (!fits) continue
        pathMatched = true
        if (route.method === method) return { handler: route.handler, params }
      }
      return pathMatched ? 'method-not-allowed' : undefined
    },
  }
  return router
}
