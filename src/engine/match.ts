// The route table compiled for the hot path: a request is claimed by at most one method and path, found
// with one method lookup and a few anchored regexes; everything else is never slowed down by the table.
// One method and path may carry one entry per phase (a layer): the engine asks their flags top down.
import type { RouteEntry } from '../routes/types.js'

/** `chain`: the entries of the matched method and path, latest phase first (`entry` is chain[0]). */
export type RouteMatch = { entry: RouteEntry; chain: readonly RouteEntry[]; params: Record<string, string> }
type Compiled = { chain: RouteEntry[]; regex: RegExp; keys: string[] }

/** @example const match = compileTable(ROUTES); match('GET', '/v1/campaigns/mine?x=1') */
export function compileTable(entries: readonly RouteEntry[]): (method: string, path: string) => RouteMatch | null {
  const byMethod = new Map<string, Compiled[]>()
  const prefixes = new Set<string>()
  for (const entry of entries) {
    const keys: string[] = []
    const source = entry.path
      .split('/')
      .map((seg) => {
        if (seg.startsWith(':')) {
          keys.push(seg.slice(1))
          return '([^/]+)'
        }
        return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      })
      .join('/')
    const list = byMethod.get(entry.method) ?? []
    const same = list.find((c) => c.chain[0]!.path === entry.path)
    if (same) {
      if (same.chain.some((e) => e.phase === entry.phase)) throw new Error(`route table: ${entry.method} ${entry.path} is listed twice in phase ${entry.phase}`)
      // Two handlers on one method and path would leave the answer to mount order: one layer answers.
      if (entry.handler && same.chain.some((e) => e.handler)) throw new Error(`route table: ${entry.method} ${entry.path} has two handlers`)
      same.chain.push(entry)
      same.chain.sort((a, b) => b.phase - a.phase)
      continue
    }
    const compiled: Compiled = { chain: [entry], regex: new RegExp(`^${source}$`), keys }
    list.push(compiled)
    byMethod.set(entry.method, list)
    // HEAD follows GET, as in every HTTP server the web app talks to (the same layers, shared).
    if (entry.method === 'GET') byMethod.set('HEAD', [...(byMethod.get('HEAD') ?? []), compiled])
    prefixes.add(entry.path.split('/').slice(0, 2).join('/') + '/')
  }
  const prefixList = [...prefixes]
  return function match(method, path) {
    const list = byMethod.get(method)
    if (!list) return null
    const q = path.indexOf('?')
    const pathname = q === -1 ? path : path.slice(0, q)
    let known = false
    for (const p of prefixList) if (pathname.startsWith(p)) known = true
    if (!known) return null
    for (const c of list) {
      const m = c.regex.exec(pathname)
      if (!m) continue
      const params: Record<string, string> = {}
      for (let i = 0; i < c.keys.length; i++) {
        try {
          params[c.keys[i]!] = decodeURIComponent(m[i + 1]!)
        } catch {
          params[c.keys[i]!] = m[i + 1]!
        }
      }
      return { entry: c.chain[0]!, chain: c.chain, params }
    }
    return null
  }
}
