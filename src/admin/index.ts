// /_proxy/* for operators: where the flags come from, how each migrated route splits across stages,
// and what its recent comparisons say; plus the refresh hook for Unleash's webhook addon.
import type { Hono } from 'hono'
import type { Sql } from 'postgres'
import type { Engine } from '../engine/index.js'
import type { Logger } from '../ops/logger.js'
import type { RouteEntry } from '../routes/types.js'

/** What the admin pages ask of the flag source. */
export interface AdminFlags {
  status(): unknown
  refresh(): Promise<void>
}

export type AdminDeps = {
  sql: Sql
  engine: Engine
  routes: readonly RouteEntry[]
  flags: AdminFlags
  log: Logger
}

/** @example createApp({ ..., admin: (app) => mountAdmin(app, deps) }) */
export function mountAdmin(app: Hono, deps: AdminDeps): void {
  app.get('/status', async (c) => {
    const stats = deps.engine.stats()
    let recent: { route: string; outcome: string; count: number }[] = []
    let recentError: string | undefined
    try {
      recent = await deps.sql<{ route: string; outcome: string; count: number }[]>`
        select route, outcome, count(*)::int as count
        from org_proxy.comparison
        where at > now() - interval '1 hour'
        group by route, outcome
        order by route, outcome`
    } catch (err) {
      recentError = (err as Error).message
    }
    const routes = deps.routes.map((r) => {
      const total = stats[r.id]?.stages ?? { off: 0, shadow: 0, live: 0 }
      const n = total.off + total.shadow + total.live
      return {
        id: r.id,
        phase: r.phase,
        method: r.method,
        path: r.path,
        flag: r.flag,
        kind: r.kind,
        summary: r.summary,
        fallback: r.fallback,
        stageSplit: {
          requests: n,
          off: n ? total.off / n : 0,
          shadow: n ? total.shadow / n : 0,
          live: n ? total.live / n : 0,
        },
        shadowInFlight: stats[r.id]?.shadowInFlight ?? 0,
        recentOutcomes: Object.fromEntries(recent.filter((x) => x.route === r.id).map((x) => [x.outcome, x.count])),
      }
    })
    return c.json({ flags: deps.flags.status(), routes, ...(recentError ? { recentOutcomesError: recentError } : {}) })
  })

  app.post('/flags/refresh', async (c) => {
    const started = performance.now()
    try {
      await deps.flags.refresh()
      return c.json({ refreshed: true, ms: Math.round(performance.now() - started) })
    } catch (err) {
      deps.log.warn({ err }, 'flag refresh failed')
      return c.json({ refreshed: false, error: (err as Error).message }, 502)
    }
  })
}
