// The report's SQL over org_proxy.comparison: outcome counts per route and origin, latency
// percentiles per side, and the match rate over time. Aggregation stays in PostgreSQL (the table
// holds millions of rows); every value is a parameter and every query shares the window's condition.
import type { Sql } from 'postgres'
import { whereOf, type ReviewFilter } from './window.js'

export const ORIGINS = ['shadow', 'verify', 'noise', 'replay'] as const
export type Origin = (typeof ORIGINS)[number]
/** The origins that are traffic: what rates, gates and groups are computed from. */
export const TRAFFIC: readonly Origin[] = ['shadow', 'verify']

export type OutcomeCounts = {
  total: number
  /** Both sides answered: match + expected + mismatch. */
  compared: number
  match: number
  expected: number
  mismatch: number
  newError: number
  /** The new handler missed its deadline. */
  timeout: number
  legacyError: number
  /** Legacy errors that were timeouts. */
  legacyTimeout: number
  skipped: number
  orgs: number
}

export const emptyCounts = (): OutcomeCounts => ({
  total: 0, compared: 0, match: 0, expected: 0, mismatch: 0, newError: 0, timeout: 0, legacyError: 0, legacyTimeout: 0, skipped: 0, orgs: 0,
})

/** Outcome counts per route and origin. */
export async function outcomeCounts(sql: Sql, f: ReviewFilter): Promise<{ route: string; flag: string; origin: Origin; counts: OutcomeCounts }[]> {
  const rows = await sql<({ route: string; flag: string; origin: Origin } & OutcomeCounts)[]>`
    select c.route, max(c.flag) as flag, c.origin,
      count(*)::int as total,
      count(*) filter (where c.outcome in ('match', 'expected', 'mismatch'))::int as compared,
      count(*) filter (where c.outcome = 'match')::int as match,
      count(*) filter (where c.outcome = 'expected')::int as expected,
      count(*) filter (where c.outcome = 'mismatch')::int as mismatch,
      count(*) filter (where c.outcome = 'new-error')::int as "newError",
      count(*) filter (where c.outcome = 'timeout')::int as timeout,
      count(*) filter (where c.outcome = 'legacy-error')::int as "legacyError",
      count(*) filter (where c.outcome = 'legacy-error' and c.error ilike '%timeout%')::int as "legacyTimeout",
      count(*) filter (where c.outcome = 'skipped')::int as skipped,
      count(distinct c.organization_id)::int as orgs
    from org_proxy.comparison c
    where ${whereOf(sql, f)}
    group by c.route, c.origin
    order by c.route, c.origin`
  return rows.map(({ route, flag, origin, ...counts }) => ({ route, flag, origin, counts }))
}

/** Distinct organizations in the traffic of each route (origins overlap, so not a sum). */
export async function trafficOrganizations(sql: Sql, f: ReviewFilter): Promise<Map<string, number>> {
  const rows = await sql<{ route: string; orgs: number }[]>`
    select c.route, count(distinct c.organization_id)::int as orgs
    from org_proxy.comparison c
    where ${whereOf(sql, f)} and c.origin in ${sql(TRAFFIC as Origin[])} and c.outcome <> 'skipped'
    group by c.route`
  return new Map(rows.map((r) => [r.route, r.orgs]))
}

export type SideLatency = { p50: number | null; p99: number | null; n: number }
export type Latency = { legacy: SideLatency; new: SideLatency }

/** p50 and p99 of each side's time, per route, over the traffic that was not skipped. */
export async function latencies(sql: Sql, f: ReviewFilter): Promise<Map<string, Latency>> {
  const rows = await sql<{ route: string; lp50: number | null; lp99: number | null; ln: number; np50: number | null; np99: number | null; nn: number }[]>`
    select c.route,
      percentile_cont(0.5) within group (order by c.legacy_ms) as lp50,
      percentile_cont(0.99) within group (order by c.legacy_ms) as lp99,
      count(c.legacy_ms)::int as ln,
      percentile_cont(0.5) within group (order by c.new_ms) as np50,
      percentile_cont(0.99) within group (order by c.new_ms) as np99,
      count(c.new_ms)::int as nn
    from org_proxy.comparison c
    where ${whereOf(sql, f)} and c.origin in ${sql(TRAFFIC as Origin[])} and c.outcome <> 'skipped'
    group by c.route`
  const side = (p50: number | null, p99: number | null, n: number): SideLatency => ({ p50: num(p50), p99: num(p99), n })
  return new Map(rows.map((r) => [r.route, { legacy: side(r.lp50, r.lp99, r.ln), new: side(r.np50, r.np99, r.nn) }]))
}

export type TimelinePoint = { at: Date; compared: number; ok: number; mismatch: number; errors: number }

/** The traffic per time bucket (about `buckets` of them across the window), for the chart. */
export async function timeline(sql: Sql, f: ReviewFilter, buckets = 24): Promise<Map<string, { bucketMs: number; points: TimelinePoint[] }>> {
  const bucketS = Math.max(60, Math.ceil((f.until.getTime() - f.since.getTime()) / 1000 / buckets))
  const rows = await sql<{ route: string; b: string; compared: number; ok: number; mismatch: number; errors: number }[]>`
    select c.route, floor(extract(epoch from c.at) / ${bucketS})::bigint as b,
      count(*) filter (where c.outcome in ('match', 'expected', 'mismatch'))::int as compared,
      count(*) filter (where c.outcome in ('match', 'expected'))::int as ok,
      count(*) filter (where c.outcome = 'mismatch')::int as mismatch,
      count(*) filter (where c.outcome in ('new-error', 'timeout', 'legacy-error'))::int as errors
    from org_proxy.comparison c
    where ${whereOf(sql, f)} and c.origin in ${sql(TRAFFIC as Origin[])}
    group by 1, 2 order by 1, 2`
  const out = new Map<string, { bucketMs: number; points: TimelinePoint[] }>()
  for (const r of rows) {
    let t = out.get(r.route)
    if (!t) out.set(r.route, (t = { bucketMs: bucketS * 1000, points: [] }))
    t.points.push({ at: new Date(Number(r.b) * bucketS * 1000), compared: r.compared, ok: r.ok, mismatch: r.mismatch, errors: r.errors })
  }
  return out
}

function num(v: number | string | null): number | null {
  return v === null ? null : Math.round(Number(v) * 10) / 10
}
