// The review's routes under /_proxy: the page (overview and one view per route), triage marks, replay
// (the page's button and `npm run replay`), and the report and gate as JSON for scripts.
import type { Context, Hono } from 'hono'
import type { Sql } from 'postgres'
import type { Engine } from '../engine/index.js'
import type { Logger } from '../ops/logger.js'
import { problemResponse } from '../ops/problem.js'
import type { RouteEntry } from '../routes/types.js'
import {
  backfillProgress, buildReport, checkGate, examples, markHistory, recentRuns, reviewFilter, FilterError, type GateTarget, type Replayer,
} from '../review/index.js'
import { mountActions } from './actions.js'
import { Overview } from './overview.js'
import { RouteView, type RouteViewProps, type Split } from './route-view.js'
import { BASE } from './session.js'

export type ReviewDeps = {
  sql: Sql
  routes: readonly RouteEntry[]
  engine: Pick<Engine, 'stats'>
  flags: { status(): unknown }
  log: Logger
  /** Without one, replay answers 503 (the proxy needs AUTH_SECRET to replay as the stored user). */
  replayer?: Replayer
  /** Reloaded at once after an "expected" mark, so the next comparison already applies it. */
  triage?: { refresh(): Promise<void> }
}

type FlagSummary = { enabled: boolean; exact: boolean; split: Split }

/** @example mountReview(admin, { sql, routes, engine, flags, log, replayer, triage }) */
export function mountReview(app: Hono, deps: ReviewDeps): void {
  const who = (c: Context) => (c.get('adminLabel' as never) as string | undefined) ?? 'admin'
  const windowOf = (c: Context) => {
    const since = c.req.query('since') ?? '24h'
    return /^\d{1,4}[mhdw]$/.test(since) ? since : '24h'
  }
  const flagSummary = (flag: string): FlagSummary | null => {
    const status = deps.flags.status() as { flags?: Record<string, FlagSummary> } | null
    return status?.flags?.[flag] ?? null
  }

  async function overview(c: Context): Promise<Response> {
    const window = windowOf(c)
    const report = await buildReport(deps.sql, reviewFilter({ since: window }))
    const flags = new Set([...deps.routes.map((r) => r.flag as string), ...report.routes.map((r) => r.flag)])
    const splits = Object.fromEntries([...flags].map((f) => [f, flagSummary(f)?.split ?? null]))
    return c.html(Overview({ who: who(c), window, report, routes: deps.routes, splits }))
  }

  app.get('/', overview)

  app.get('/routes/:id', async (c) => {
    const routeId = c.req.param('id')
    const window = windowOf(c)
    const report = await buildReport(deps.sql, reviewFilter({ since: window, route: routeId }))
    const route = report.routes[0] ?? null
    const entry = deps.routes.find((r) => r.id === routeId)
    const flag = entry?.flag ?? route?.flag ?? ''
    if (!entry && !route) return problemResponse({ status: 404, title: 'Not Found', detail: `no route ${routeId} in the table or the comparisons` })
    const summary = flagSummary(flag)
    const ids = [...(route?.groups ?? []), ...(route?.expected ?? [])].slice(0, 15).flatMap((g) => g.examples)
    const stats = deps.engine.stats()[routeId]
    const [backfill, exampleMap, history, runs, gate] = await Promise.all([
      backfillProgress(deps.sql, flag),
      examples(deps.sql, ids),
      markHistory(deps.sql, routeId),
      recentRuns(deps.sql, routeId, 10),
      flag ? checkGate(deps.sql, flag, nextTarget(summary)) : null,
    ])
    const props: RouteViewProps = {
      who: who(c),
      routeId,
      window,
      report,
      route,
      entry,
      flag,
      configured: summary ? { ...summary.split, enabled: summary.enabled, exact: summary.exact } : null,
      observed: stats ? stats.stages : null,
      backfill,
      examples: exampleMap,
      history,
      runs,
      gate,
    }
    return c.html(RouteView(props))
  })

  mountActions(app, deps, who)

  app.get('/diffs.json', async (c) => {
    try {
      const q = c.req.query()
      return c.json(await buildReport(deps.sql, reviewFilter({ since: q.since, until: q.until, route: q.route, flag: q.flag, org: q.org })))
    } catch (err) {
      if (err instanceof FilterError) return problemResponse({ status: 400, title: 'Bad Request', detail: err.message })
      throw err
    }
  })

  app.get('/gate/:flag', async (c) => {
    const target = (c.req.query('to') ?? 'live') as GateTarget
    if (!['live', '100', 'contract'].includes(target)) return problemResponse({ status: 400, title: 'Bad Request', detail: 'to is live, 100 or contract' })
    return c.json(await checkGate(deps.sql, c.req.param('flag'), target))
  })

  // '/_proxy/' (with the slash) is the page's address too; the router only knows '/_proxy'.
  app.get('/*', (c, next) => (c.req.path === `${BASE}/` ? overview(c) : next()))
}

/** The gate worth showing: going live from shadow, then 100 %, then the contract steps. */
function nextTarget(s: FlagSummary | null): GateTarget {
  if (!s || s.split.live === 0) return 'live'
  return s.split.live < 100 ? '100' : 'contract'
}
