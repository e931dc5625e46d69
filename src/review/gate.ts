// Stage gates: may a flag move on (shadow → live, live → 100 %, or a contract step run)? Yes only with
// enough comparisons across enough organizations in the window, a noise-adjusted mismatch rate under
// the bar (triaged-expected and replay-verified fixes excused), and new-side errors and p99 no worse
// than legacy's within a small tolerance. Automation trusts it, so every answer is recorded.
import type { Sql } from 'postgres'
import { DEFAULT_NOISE_THRESHOLDS, type NoiseThresholds } from './noise.js'
import { TRAFFIC, type Origin } from './queries.js'
import { buildReport, sumCounts } from './report.js'
import { parseDuration, whereOf, type ReviewFilter } from './window.js'

export const GATE_TARGETS = ['live', '100', 'contract'] as const
export type GateTarget = (typeof GATE_TARGETS)[number]

export type GateOptions = {
  /** How far back the evidence reaches, e.g. '24h'. */
  window: string
  minComparisons: number
  minOrgs: number
  /** Noise-adjusted mismatch rate allowed, as a fraction (0.001 = 0.1 %). */
  maxMismatchRate: number
  /** New error rate may exceed legacy's by this much (absolute fraction). */
  errorTolerance: number
  /** New p99 may exceed legacy's by this share, plus latencySlackMs. */
  latencyTolerance: number
  latencySlackMs: number
  thresholds: NoiseThresholds
}

const COMMON = { errorTolerance: 0.001, latencyTolerance: 0.1, latencySlackMs: 5, thresholds: DEFAULT_NOISE_THRESHOLDS }
/**
 * Defaults per target. Going live needs a day of shadow traffic; 100 % needs more of it and a stricter
 * rate; a contract step (irreversible) reads a week, since at 100 % only the verify sample compares.
 */
export const GATE_DEFAULTS: Record<GateTarget, GateOptions> = {
  live: { window: '24h', minComparisons: 500, minOrgs: 50, maxMismatchRate: 0.005, ...COMMON },
  '100': { window: '24h', minComparisons: 2000, minOrgs: 200, maxMismatchRate: 0.001, ...COMMON },
  contract: { window: '7d', minComparisons: 500, minOrgs: 50, maxMismatchRate: 0.001, ...COMMON },
}

export type GateCheck = { name: string; ok: boolean; actual: string; required: string }

export type GateEvidence = {
  since: string
  until: string
  comparisons: number
  organizations: number
  mismatches: number
  adjustedMismatches: number
  mismatchRate: number | null
  adjustedMismatchRate: number | null
  answered: number
  newErrors: number
  legacyErrors: number
  newErrorRate: number | null
  legacyErrorRate: number | null
  p99: { legacy: number | null; new: number | null }
  routes: { route: string; comparisons: number; mismatches: number; adjustedMismatches: number; topFields: string[] }[]
}

export type GateResult = { ok: boolean; flag: string; target: GateTarget; options: GateOptions; checks: GateCheck[]; evidence: GateEvidence }

/**
 * Reads the evidence and judges it; records nothing (recordGate does).
 * @example const g = await checkGate(sql, 'org.reads', 'live', { minOrgs: 10 }); if (!g.ok) console.log(g.checks)
 */
export async function checkGate(sql: Sql, flag: string, target: GateTarget, opts: Partial<GateOptions> & { now?: Date } = {}): Promise<GateResult> {
  const { now, ...given } = opts
  const o: GateOptions = { ...GATE_DEFAULTS[target], ...dropUndefined(given) }
  const until = now ?? new Date()
  const f: ReviewFilter = { since: new Date(until.getTime() - parseDuration(o.window)), until, flag }
  const report = await buildReport(sql, f, { thresholds: o.thresholds })
  const traffic = sumCounts(report.routes.map((r) => r.traffic))
  const scope = await flagScope(sql, f)
  const adjusted = report.routes.reduce((n, r) => n + r.adjusted.mismatches, 0)
  const answered = traffic.compared + traffic.newError + traffic.timeout + traffic.legacyError
  const newErrors = traffic.newError + traffic.timeout
  const rate = (n: number, d: number) => (d ? n / d : null)
  const evidence: GateEvidence = {
    since: f.since.toISOString(),
    until: f.until.toISOString(),
    comparisons: traffic.compared,
    organizations: scope.orgs,
    mismatches: traffic.mismatch,
    adjustedMismatches: adjusted,
    mismatchRate: rate(traffic.mismatch, traffic.compared),
    adjustedMismatchRate: rate(adjusted, traffic.compared),
    answered,
    newErrors,
    legacyErrors: traffic.legacyError,
    newErrorRate: rate(newErrors, answered),
    legacyErrorRate: rate(traffic.legacyError, answered),
    p99: { legacy: scope.legacyP99, new: scope.newP99 },
    routes: report.routes.map((r) => ({
      route: r.route,
      comparisons: r.traffic.compared,
      mismatches: r.traffic.mismatch,
      adjustedMismatches: r.adjusted.mismatches,
      topFields: r.fields.filter((x) => !x.triagedExpected).slice(0, 5).map((x) => x.key),
    })),
  }
  const checks = judge(evidence, o)
  return { ok: checks.every((c) => c.ok), flag, target, options: o, checks, evidence }
}

function judge(e: GateEvidence, o: GateOptions): GateCheck[] {
  const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(3)} %`)
  const ms = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(1)} ms`)
  const newRate = e.newErrorRate ?? 0
  const legacyRate = e.legacyErrorRate ?? 0
  const latencyBar = e.p99.legacy === null ? null : e.p99.legacy * (1 + o.latencyTolerance) + o.latencySlackMs
  return [
    { name: 'comparisons', ok: e.comparisons >= o.minComparisons, actual: String(e.comparisons), required: `≥ ${o.minComparisons}` },
    { name: 'organizations', ok: e.organizations >= o.minOrgs, actual: String(e.organizations), required: `≥ ${o.minOrgs}` },
    {
      name: 'mismatch rate (noise-adjusted, triaged excused)',
      ok: e.adjustedMismatchRate !== null && e.adjustedMismatchRate <= o.maxMismatchRate,
      actual: `${pct(e.adjustedMismatchRate)} (${e.adjustedMismatches} of ${e.comparisons}; raw ${pct(e.mismatchRate)})`,
      required: `≤ ${pct(o.maxMismatchRate)}`,
    },
    {
      name: 'new error rate',
      ok: newRate <= legacyRate + o.errorTolerance,
      actual: `${pct(e.newErrorRate)} (${e.newErrors} of ${e.answered})`,
      required: `≤ legacy ${pct(e.legacyErrorRate)} + ${pct(o.errorTolerance)}`,
    },
    {
      name: 'p99 latency',
      ok: latencyBar !== null && e.p99.new !== null && e.p99.new <= latencyBar,
      actual: `new ${ms(e.p99.new)}`,
      required: `≤ legacy ${ms(e.p99.legacy)} × ${1 + o.latencyTolerance} + ${o.latencySlackMs} ms`,
    },
  ]
}

/** Organizations and p99 of each side across every route of the flag (not a sum of the routes'). */
async function flagScope(sql: Sql, f: ReviewFilter): Promise<{ orgs: number; legacyP99: number | null; newP99: number | null }> {
  const [row] = await sql<{ orgs: number; lp99: number | null; np99: number | null }[]>`
    select count(distinct c.organization_id)::int as orgs,
      percentile_cont(0.99) within group (order by c.legacy_ms) as lp99,
      percentile_cont(0.99) within group (order by c.new_ms) as np99
    from org_proxy.comparison c
    where ${whereOf(sql, f)} and c.origin in ${sql(TRAFFIC as Origin[])} and c.outcome <> 'skipped'`
  const round = (v: number | null) => (v === null ? null : Math.round(Number(v) * 10) / 10)
  return { orgs: row?.orgs ?? 0, legacyP99: round(row?.lp99 ?? null), newP99: round(row?.np99 ?? null) }
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
