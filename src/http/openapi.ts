import { join } from 'node:path'
import { openapi } from '@elysiajs/openapi'
import { Elysia } from 'elysia'
import type { Config } from '../config/index.ts'
import { AppError } from '../errors.ts'

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Tally API</title>
  <link rel="stylesheet" href="/api/docs/swagger-ui.css">
</head>
<body>
  <div id="docs"></div>
  <script src="/api/docs/swagger-ui-bundle.js"></script>
  <script src="/api/docs/init.js"></script>
</body>
</html>
`
// Kept out of the page so that a Content-Security-Policy without 'unsafe-inline' allows it.
const DOCS_INIT = `SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#docs', withCredentials: true })\n`

/** Swagger UI's files come from the swagger-ui-dist dev dependency: no CDN, so it works offline. */
const SWAGGER_ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
}

/**
 * The OpenAPI 3.1 document of every route at /api/openapi.json, generated from the routes' TypeBox
 * schemas, and outside production an interactive page at /api/docs.
 */
export function apiDocumentation(config: Config) {
  const spec = openapi({
    path: '/api/docs',
    specPath: '/api/openapi.json',
    provider: null,
    // staticFile: false, or routes with a file extension (export.csv) would be left out as static files.
    exclude: { paths: [/^\/api\/docs/], staticFile: false },
    documentation: {
      info: {
        title: 'Tally API',
        version: '0.1.0',
        description:
          'Authentication is the tally_session cookie set by /api/auth/login. Errors are RFC 9457 problem+json; see docs/API.md for every code.',
      },
      tags: [
        { name: 'auth', description: 'Sign-up, log-in, log-out' },
        { name: 'account', description: 'The logged-in user' },
        { name: 'sessions', description: 'Where you are logged in' },
        { name: 'health', description: 'Probes for orchestrators' },
      ],
    },
  })
  const docs = new Elysia({ name: 'tally/api-docs-page' })
  if (config.isProduction) return new Elysia({ name: 'tally/api-docs' }).use(spec)
  return new Elysia({ name: 'tally/api-docs' }).use(spec).use(
    docs
      .get(
        '/api/docs',
        () => new Response(DOCS_PAGE, { headers: { 'content-type': 'text/html; charset=utf-8' } }),
        {
          detail: { hide: true },
        },
      )
      .get(
        '/api/docs/init.js',
        () => new Response(DOCS_INIT, { headers: { 'content-type': 'text/javascript; charset=utf-8' } }),
        { detail: { hide: true } },
      )
      .get(
        '/api/docs/:asset',
        async ({ params }) => {
          const type = SWAGGER_ASSETS[params.asset]
          const file = type ? Bun.file(join(swaggerDist(), params.asset)) : undefined
          if (!type || !file || !(await file.exists()))
            throw new AppError(
              'not_found',
              'NOT_FOUND',
              'API docs assets are not installed (they come with the development dependencies).',
            )
          return new Response(file, {
            headers: { 'content-type': type, 'cache-control': 'public, max-age=3600' },
          })
        },
        { detail: { hide: true } },
      ),
  )
}

function swaggerDist(): string {
  try {
    return join(Bun.resolveSync('swagger-ui-dist/package.json', import.meta.dir), '..')
  } catch {
    return '/nonexistent'
  }
}
