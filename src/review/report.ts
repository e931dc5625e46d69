// The diff report: for each migrated route in a window, its comparisons, match and mismatch rates,
// the field paths that differ (judged against the noise baseline), the mismatch groups with their
// triage, expected differences, errors per side and latency per side. `npm run diffs`, the page and
// the stage gate all read it, so the three never disagree.
import type { Sql } from 'postgres'
import { fieldCounts, groupCounts, replayVerdicts, type GroupCount, type ReplayVerdict } from './groups.js'
import { classifyField, DEFAULT_NOISE_THRESHOLDS, type FieldVerdict, type NoiseThresholds } from './noise.js'
import { emptyCounts, latencies, outcomeCounts, timeline, trafficOrganizations, TRAFFIC, type Latency, type Origin, type OutcomeCounts, type TimelinePoint } from './queries.js'
import { currentMarks, groupKey, type TriageMark } from './triage.js'
import { whereOf, type ReviewFilter } from './window.js'

export type FieldRow = FieldVerdict & { examples: number[]; triagedExpected: boolean }

export type GroupStatus = 'open' | 'expected' | 'bug' | 'fixed' | 'fixed-verified'
export type GroupRow = GroupCount & {
  /** Share of the route's mismatches (of its expected differences, for expected groups). */
  share: number
  mark: TriageMark | null
  /** fixed-verified: marked fixed, and a replay requested since found every replayed request matching. */
  status: GroupStatus
  replay: ReplayVerdict | null
}

export type RouteReport = {
  route: string
  flag: string
  byOrigin: Partial<Record<Origin, OutcomeCounts>>
  /** Shadow and verify together: the traffic every rate is computed from. */
  traffic: OutcomeCounts
  matchRate: number | null
  mismatchRate: number | null
  /**
   * Mismatches left once noise fields, triaged-expected groups and replay-verified fixes (their
   * comparisons before the verifying replay) are excused: what the gate judges.
   */
  adjusted: { mismatches: number; rate: number | null }
  fields: FieldRow[]
  noiseFields: FieldRow[]
  groups: GroupRow[]
  expected: GroupRow[]
  latency: Latency | null
  timeline: { bucketMs: number; points: TimelinePoint[] }
}

export type Report = {
  since: Date
  until: Date
  filter: ReviewFilter
  thresholds: NoiseThresholds
  routes: RouteReport[]
}

export type ReportOptions = { thresholds?: NoiseThresholds; groupsPerRoute?: number; buckets?: number }

/** @example const report = await buildReport(sql, reviewFilter({ since: '1h' })) */
export async function buildReport(sql: Sql, f: ReviewFilter, opts: ReportOptions = {}): Promise<Report> {
  const thresholds = opts.thresholds ?? DEFAULT_NOISE_THRESHOLDS
  const [counts, orgs, lat, time, fields, groups, marks, verdicts] = await Promise.all([
    outcomeCounts(sql, f),
    trafficOrganizations(sql, f),
    latencies(sql, f),
    timeline(sql, f, opts.buckets),
    fieldCounts(sql, f),
    groupCounts(sql, f, opts.groupsPerRoute),
    currentMarks(sql, f.route),
    replayVerdicts(sql, f.route),
  ])
  const routes: RouteReport[] = []
  for (const route of [...new Set(counts.map((c) => c.route))].sort()) {
    const mine = counts.filter((c) => c.route === route)
    const byOrigin: Partial<Record<Origin, OutcomeCounts>> = Object.fromEntries(mine.map((c) => [c.origin, c.counts]))
    const traffic = sumCounts(TRAFFIC.map((o) => byOrigin[o]))
    traffic.orgs = orgs.get(route) ?? 0
    const noise = byOrigin.noise ?? emptyCounts()
    const expectedKeys = new Set([...marks.values()].filter((m) => m.route === route && m.mark === 'expected').flatMap((m) => m.signatureKeys))
    const rows = fields
      .filter((x) => x.route === route)
      .map((x): FieldRow => ({
        ...classifyField(x.key, { raw: x.raw, rawTotal: traffic.compared, noise: x.noise, noiseTotal: noise.compared }, thresholds),
        examples: x.examples,
        triagedExpected: expectedKeys.has(x.key),
      }))
      .filter((x) => x.raw > 0 || x.noise > 0)
      .sort((a, b) => b.raw - a.raw || b.noise - a.noise || a.key.localeCompare(b.key))
    const mineGroups = groups.filter((g) => g.route === route)
    const toRow = (g: GroupCount, total: number): GroupRow => {
      const mark = marks.get(groupKey(route, g.signature)) ?? null
      const replay = verdicts.get(groupKey(route, g.signature)) ?? null
      return { ...g, share: total ? g.count / total : 0, mark, status: statusOf(mark, replay), replay }
    }
    const groupRows = mineGroups.filter((g) => g.outcome === 'mismatch').map((g) => toRow(g, traffic.mismatch))
    const excusedKeys = [...expectedKeys, ...rows.filter((r) => r.verdict !== 'mismatch').map((r) => r.key)]
    const fixedUntil = groupRows.filter((g) => g.status === 'fixed-verified').map((g) => ({ signature: g.signature, until: g.replay!.startedAt }))
    const real = traffic.mismatch ? await realMismatches(sql, f, route, excusedKeys, fixedUntil) : 0
    routes.push({
      route,
      flag: mine[0]!.flag,
      byOrigin,
      traffic,
      matchRate: traffic.compared ? (traffic.match + traffic.expected) / traffic.compared : null,
      mismatchRate: traffic.compared ? traffic.mismatch / traffic.compared : null,
      adjusted: { mismatches: real, rate: traffic.compared ? real / traffic.compared : null },
      fields: rows.filter((r) => r.verdict === 'mismatch'),
      noiseFields: rows.filter((r) => r.verdict !== 'mismatch'),
      groups: groupRows,
      expected: mineGroups.filter((g) => g.outcome === 'expected').map((g) => toRow(g, traffic.expected)),
      latency: lat.get(route) ?? null,
      timeline: time.get(route) ?? { bucketMs: 0, points: [] },
    })
  }
  return { since: f.since, until: f.until, filter: f, thresholds, routes }
}

function statusOf(mark: TriageMark | null, replay: ReplayVerdict | null): GroupStatus {
  if (!mark) return 'open'
  if (mark.mark !== 'fixed') return mark.mark
  const verified = replay && replay.requestedAt >= mark.markedAt && replay.total > 0 && replay.ok === replay.total
  return verified ? 'fixed-verified' : 'fixed'
}

/** Mismatched traffic comparisons with at least one key that nothing excuses. */
async function realMismatches(sql: Sql, f: ReviewFilter, route: string, excusedKeys: string[], fixed: { signature: string; until: Date }[]): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from org_proxy.comparison c
    where ${whereOf(sql, f)} and c.route = ${route} and c.origin in ${sql(TRAFFIC as Origin[])} and c.outcome = 'mismatch'
      and not (coalesce(c.signature_keys, '{}') <@ ${sql.array(excusedKeys)}::text[])
      and not exists (
        select 1 from unnest(${sql.array(fixed.map((x) => x.signature))}::text[], ${sql.array(fixed.map((x) => x.until.toISOString()))}::timestamptz[]) as v(sig, until)
        where v.sig = c.signature and c.at < v.until)`
  return row!.n
}

export function sumCounts(list: (OutcomeCounts | undefined)[]): OutcomeCounts {
  const out = emptyCounts()
  for (const c of list) if (c) for (const k of Object.keys(out) as (keyof OutcomeCounts)[]) out[k] += c[k]
  return out
}
