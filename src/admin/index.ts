// /_proxy/* for operators: where the flags come from, how each migrated route splits across stages,
// and what its recent comparisons say; plus the refresh hook for Unleash's webhook addon, and the diff
// review (the page at /_proxy/, triage, replay, report and gate as JSON).
import type { Hono } from 'hono'
import type { Sql } from 'postgres'
import type { Engine } from '../engine/index.js'
import type { Logger } from '../ops/logger.js'
import { mountReview } from '../page/index.js'
import type { Replayer } from '../review/index.js'
import type { RouteEntry } from '../routes/types.js'

/** What the admin pages ask of the flag source. */
export interface AdminFlags {
  status(): { errorCount: number; lastError: { message: string; at: string } | null; version: string | null }
  refresh(): Promise<void>
}

export type AdminDeps = {
  sql: Sql
  engine: Engine
  routes: readonly RouteEntry[]
  flags: AdminFlags
  log: Logger
  /** Replays stored mismatches (createReplayer); without it POST /_proxy/replay answers 503. */
  replayer?: Replayer
  /** The engine's triage rules provider, reloaded at once after an "expected" mark. */
  triage?: { refresh(): Promise<void> }
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
    const errorsBefore = deps.flags.status().errorCount
    // refresh() never rejects (the source keeps its last flags); a new error in its status says it failed.
    await deps.flags.refresh()
    const after = deps.flags.status()
    const ms = Math.round(performance.now() - started)
    if (after.errorCount > errorsBefore) {
      deps.log.warn({ err: after.lastError }, 'flag refresh failed; last known flags kept')
      return c.json({ refreshed: false, version: after.version, error: after.lastError?.message ?? 'unknown', ms }, 502)
    }
    return c.json({ refreshed: true, version: after.version, ms })
  })

  // Registered last: it ends with the catch-all that serves '/_proxy/'.
  mountReview(app, {
    sql: deps.sql,
    routes: deps.routes,
    engine: deps.engine,
    flags: deps.flags,
    log: deps.log,
    ...(deps.replayer ? { replayer: deps.replayer } : {}),
    ...(deps.triage ? { triage: deps.triage } : {}),
  })
}
