import { Elysia } from 'elysia'
import type { StaticAssets } from './static-assets.ts'

/** Different in every server process, so a restart (server files changed) also reloads the page. */
const SERVER_ID = crypto.randomUUID()
const POLL_MS = 250
const KEEPALIVE_MS = 15_000

/**
 * Development only (app.ts mounts it when NODE_ENV=development): a Server-Sent Events stream that
 * names the current server and dashboard build. The script the development build adds to index.html
 * reloads the page when the name changes; EventSource reconnects by itself across server restarts.
 */
export function devReloadRoutes(assets: StaticAssets) {
  return new Elysia({ name: 'tally/dev-reload' }).get('/__dev/reload', ({ request }) => {
    const version = () => {
      const state = assets.current()
      return `${SERVER_ID}:${state.status === 'ready' ? state.buildId : 'none'}`
    }
    const encoder = new TextEncoder()
    let timers: ReturnType<typeof setInterval>[] = []
    const stop = () => {
      for (const timer of timers) clearInterval(timer)
      timers = []
    }
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        let sent = version()
        const send = (text: string) => {
          try {
            controller.enqueue(encoder.encode(text))
          } catch {
            stop()
          }
        }
        send(`retry: 300\nevent: version\ndata: ${sent}\n\n`)
        timers.push(
          setInterval(() => {
            const now = version()
            if (now === sent) return
            sent = now
            send(`event: version\ndata: ${now}\n\n`)
          }, POLL_MS),
          setInterval(() => send(': keep-alive\n\n'), KEEPALIVE_MS),
        )
        request.signal.addEventListener('abort', stop)
      },
      cancel: stop,
    })
    return new Response(stream, {
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' },
    })
  })
}
