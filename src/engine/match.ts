// The route table compiled for the hot path: a request is claimed by at most one entry, found with
// one method lookup and a few anchored regexes; everything else is never slowed down by the table.
import type { RouteEntry } from '../routes/types.js'

export type RouteMatch = { entry: RouteEntry; params: Record<string, string> }
type Compiled = { entry: RouteEntry; regex: RegExp; keys: string[] }

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
    for (const other of list) {
      if (other.entry.path === entry.path) throw new Error(`route table: ${entry.method} ${entry.path} is listed twice`)
    }
    list.push({ entry, regex: new RegExp(`^${source}$`), keys })
    byMethod.set(entry.method, list)
    // HEAD follows GET, as in every HTTP server the web app talks to.
    if (entry.method === 'GET') byMethod.set('HEAD', [...(byMethod.get('HEAD') ?? []), { entry, regex: new RegExp(`^${source}$`), keys }])
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
      return { entry: c.entry, params }
    }
    return null
  }
}
