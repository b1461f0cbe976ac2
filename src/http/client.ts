import type { Server } from 'bun'

export interface ClientInfo {
  /** The client's address as far as we can trust it; null when unknown (e.g. app.handle in tests). */
  ip: string | null
  userAgent: string | null
}

/**
 * With `trustedProxies` = 0 the socket's address is used and X-Forwarded-For is ignored, since any
 * client can send it. With N trusted proxies, each appends the address it saw, so the Nth entry from
 * the right is the first one a client could not have forged.
 */
export function clientInfo(
  request: Request,
  server: Server<unknown> | null,
  trustedProxies: number,
): ClientInfo {
  const userAgent = request.headers.get('user-agent')?.slice(0, 512) ?? null
  let ip = server?.requestIP(request)?.address ?? null
  if (trustedProxies > 0) {
    const forwarded = (request.headers.get('x-forwarded-for') ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)
    const trusted = forwarded[forwarded.length - trustedProxies]
    if (trusted && /^[0-9a-fA-F.:]{2,45}$/.test(trusted)) ip = trusted
  }
  return { ip, userAgent }
}
