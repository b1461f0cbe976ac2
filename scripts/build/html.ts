import { localPath } from './files.ts'

export interface Reference {
  tag: 'script' | 'link'
  rel: string
  url: string
  integrity: string | null
}

/** Scripts, stylesheets and module preloads are what SRI protects; other links (icons) cannot carry it. */
export const carriesIntegrity = (reference: Pick<Reference, 'tag' | 'rel'>) =>
  reference.tag === 'script' || ['stylesheet', 'modulepreload', 'preload'].includes(reference.rel)

/** Every script src and link href in a page. */
export async function referencesOf(html: string): Promise<Reference[]> {
  const found: Reference[] = []
  await new HTMLRewriter()
    .on('script[src]', {
      element(element) {
        found.push({
          tag: 'script',
          rel: '',
          url: element.getAttribute('src') ?? '',
          integrity: element.getAttribute('integrity'),
        })
      },
    })
    .on('link[href]', {
      element(element) {
        found.push({
          tag: 'link',
          rel: (element.getAttribute('rel') ?? '').toLowerCase(),
          url: element.getAttribute('href') ?? '',
          integrity: element.getAttribute('integrity'),
        })
      },
    })
    .transform(new Response(html))
    .text()
  return found
}

/**
 * Adds `integrity="sha384-…"` (and `crossorigin`, without which browsers ignore it for module scripts)
 * to every local script, stylesheet and preload, so a tampered file on a CDN or proxy is refused.
 */
export async function addIntegrity(
  html: string,
  digestOf: (path: string) => string | undefined,
): Promise<string> {
  const protect = (tag: Reference['tag'], attribute: string) => ({
    element(element: HTMLRewriterTypes.Element) {
      const rel = (element.getAttribute('rel') ?? '').toLowerCase()
      if (!carriesIntegrity({ tag, rel })) return
      const path = localPath(element.getAttribute(attribute) ?? '')
      const digest = path === undefined ? undefined : digestOf(path)
      if (!digest) return
      element.setAttribute('integrity', `sha384-${digest}`)
      if (!element.hasAttribute('crossorigin')) element.setAttribute('crossorigin', '')
    },
  })
  return new HTMLRewriter()
    .on('script[src]', protect('script', 'src'))
    .on('link[href]', protect('link', 'href'))
    .transform(new Response(html))
    .text()
}

/** Appends markup to <head> (the development build's live-reload script). */
export function appendToHead(html: string, markup: string): Promise<string> {
  return new HTMLRewriter()
    .on('head', {
      element(element) {
        element.append(markup, { html: true })
      },
    })
    .transform(new Response(html))
    .text()
}
