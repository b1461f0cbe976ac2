import { localPath } from './files.ts'
import { carriesIntegrity, type Reference } from './html.ts'

type Outputs = Bun.BuildMetafile['outputs']

const normalise = (path: string) => path.replace(/^\.?\/+/, '')

/**
 * What the first page load fetches: every script, stylesheet and preload index.html references, and
 * everything those import statically (chunks, @import-ed CSS, fonts), followed through the metafile's
 * output graph. Chunks reached only through import() are lazy and not counted.
 */
export function initialFiles(references: Reference[], outputs: Outputs): string[] {
  const graph = new Map<string, string[]>()
  for (const [path, output] of Object.entries(outputs))
    graph.set(
      normalise(path),
      output.imports.filter((edge) => edge.kind !== 'dynamic-import').map((edge) => normalise(edge.path)),
    )
  const initial = new Set<string>()
  const visit = (path: string) => {
    if (initial.has(path)) return
    initial.add(path)
    for (const next of graph.get(path) ?? []) visit(next)
  }
  for (const reference of references) {
    if (!carriesIntegrity(reference)) continue
    const path = localPath(reference.url)
    if (path) visit(path)
  }
  return [...initial].sort()
}
