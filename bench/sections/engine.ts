// Issue #3's bench: a read in shadow whose new handler waits 10× legacy, against the same route off; routing-decision and compare() cost.
import { request } from 'undici'
import { DEFAULT_ENGINE_OPTIONS } from '../../src/engine/index.js'
import { LatencyHistogram, sum } from '../lib/histogram.js'
import type { BenchChild } from '../lib/children.js'
import type { BenchContext, Row, Section } from '../types.js'

// One proxy child serves both sides: before each ~1 s slice the parent rewrites org.reads in the child's temp flags
// dir and calls flags.refresh() over IPC, so off and shadow alternate (A B B A …) on the same process, heap and JIT.
//
// Load: the targets are read on a closed loop of 10 connections. It is the fair setup for both ratios: each side
// gets the same client behaviour and runs as fast as it can, so any CPU the shadow takes shows up as lost
// throughput and as queueing in the p99; an open-loop fixed rate would make the throughput ratio 1 by construction.
// At that rate the in-flight shadows (rate × 20 ms) exceed the per-route cap, so the cap is exercised and the
// skipped share is printed. A second case at a fixed moderate rate (below what the cap admits, so nearly every
// shadow runs) shows the p99 at equal offered load; it carries no target.

const LEGACY_DELAY_MS = 2
const NEW_DELAY_MS = 20
const CONNECTIONS = 10
/** Fixed-rate case: at most this, and at most half of what the off side sustained on the closed loop. */
const FIXED_RATE_MAX = 1000
/** The engine's default per-route shadow cap; the bench route sets none of its own. */
const DEFAULT_CAP = DEFAULT_ENGINE_OPTIONS.shadowConcurrency

type Side = 'off' | 'shadow'
type Counts = {
  outcomes: Record<string, number>
  stages: Record<'off' | 'shadow' | 'live', number> | null
  shadowInFlight: number
  skipped: Record<string, number>
}
/** One side's measured load: a slice, or slices merged into a round or a case. */
type Round = { responses: number; seconds: number; failures: number; latency: LatencyHistogram; cpuUs: number; decisions: number; capSkipped: number }
type Decision = { claimHit: number; claimMiss: number; routingCtx: number; flagStage: number; whole: number; stage: string }

export const engine: Section = {
  name: 'engine',
  title: `migration engine: shadow (new handler ${NEW_DELAY_MS} ms) vs off (legacy ${LEGACY_DELAY_MS} ms), routing decision (issue #3)`,
  byDefault: true,
  async run(ctx) {
    const legacy = await ctx.spawn(new URL('../children/engine-upstream.ts', import.meta.url), {
      name: 'legacy',
      env: { BENCH_LEGACY_DELAY_MS: String(LEGACY_DELAY_MS) },
    })
    const dir = ctx.options.cpuProfDir
    const proxy = await ctx.spawn(new URL('../children/engine-proxy.ts', import.meta.url), {
      name: 'engine-proxy',
      env: { LOG_LEVEL: 'info', BENCH_UPSTREAM_URL: String(legacy.info.url), BENCH_NEW_DELAY_MS: String(NEW_DELAY_MS) },
      execArgv: dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [],
      stdout: 'ignore',
    })
    const url = `${String(proxy.info.url)}${String(proxy.info.path)}`
    const headers = { authorization: `Bearer ${String(proxy.info.token)}` }
    ctx.progress(`route table: ${String(proxy.info.table)} (${String(proxy.info.routes)} entries); legacy body ${String(legacy.info.bodyBytes)} B`)

    // Each stage answers with its own header before anything is measured.
    for (const side of ['off', 'shadow'] as const) {
      await setStage(proxy, side)
      const r = await request(url, { headers })
      const body = await r.body.text()
      if (r.statusCode !== 200 || r.headers['x-org-proxy-stage'] !== side) {
        throw new Error(`stage ${side}: got ${r.statusCode}, x-org-proxy-stage ${String(r.headers['x-org-proxy-stage'])}: ${body.slice(0, 200)}`)
      }
    }

    const rows: Row[] = []
    const closed = await loadCase(ctx, proxy, { label: `closed loop · ${CONNECTIONS} conns`, url, headers, targets: true, warmupSec: Math.max(ctx.options.warmupSec, 2) })
    rows.push(...closed.rows)
    const rate = Math.max(100, Math.min(FIXED_RATE_MAX, Math.round((closed.offRps * 0.5) / 100) * 100))
    rows.push(...(await loadCase(ctx, proxy, { label: `fixed ${rate} rps · ${CONNECTIONS} conns`, url, headers, targets: false, rate, warmupSec: Math.max(ctx.options.warmupSec / 2, 1) })).rows)

    // Micro-benchmarks run with no load on, in the same child, once per flag state.
    const costTable = 'per-request costs in the proxy child (CPU µs per call, median of 10 rounds)'
    for (const side of ['off', 'shadow'] as const) {
      await setStage(proxy, side)
      ctx.progress(`routing decision micro-benchmark, org.reads ${side}`)
      const d = await proxy.call<Decision>('decision', { iterations: 20_000 })
      if (d.stage !== side) throw new Error(`decision benchmark ran at stage ${d.stage}, expected ${side}`)
      const row = (metric: string, value: number, extra: Partial<Row> = {}): Row => ({ table: costTable, case: `routing decision · org.reads ${side}`, metric, value, unit: 'µs', digits: 2, ...extra })
      rows.push(
        row('per call', d.whole, side === 'shadow' ? { note: 'claim() + killSwitch() + await routing(req) + flags.stage(), as handle() runs them; 1000 users, cached directory' } : {}),
        row('claim hit', d.claimHit),
        row('claim miss', d.claimMiss, side === 'off' ? { note: 'an unclaimed /v1/… path: what every pass-through request pays for the table' } : {}),
        row('routing ctx', d.routingCtx, side === 'off' ? { note: 'JWT HS256 verify + TTL-cache lookup of the default organization' } : {}),
        row('flags', d.flagStage, side === 'off' ? { note: 'killSwitch() + stage(): three unleash-client evaluations (the kill switch twice)' } : {}),
      )
    }
    ctx.progress('compare() of the typical pair')
    const compareUs = await proxy.call<number>('compare')
    rows.push({ table: costTable, case: 'compare() typical pair (src/compare/bench.ts)', metric: 'per call', value: compareUs, unit: 'µs', digits: 2 })
    return rows
  },
}

async function setStage(proxy: BenchChild, stage: Side): Promise<void> {
  await proxy.call('stage', stage)
}

async function counts(proxy: BenchChild): Promise<Counts> {
  return proxy.call<Counts>('counts')
}

/** Waits until no shadow of the previous round is still running, so it does not tax the next round. */
async function drain(proxy: BenchChild): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if ((await counts(proxy)).shadowInFlight === 0) return
    await new Promise((r) => setTimeout(r, 50))
  }
}

function diff(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0)) out[k] = v - (before[k] ?? 0)
  return out
}

type CaseOptions = { label: string; url: string; headers: Record<string, string>; targets: boolean; rate?: number; warmupSec: number }

/** Off and shadow rounds of one load case on the one proxy child, in 1 s slices alternated A B B A; returns its grid line. */
async function loadCase(ctx: BenchContext, proxy: BenchChild, c: CaseOptions): Promise<{ rows: Row[]; offRps: number }> {
  const { durationSec, rounds } = ctx.options
  const load = (seconds: number) =>
    ctx.load({ url: c.url, headers: c.headers, connections: CONNECTIONS, durationSec: seconds, ...(c.rate ? { overallRate: c.rate } : {}) })
  ctx.progress(`${c.label}: warm-up ${c.warmupSec} s per side`)
  for (const side of ['off', 'shadow'] as const) {
    await setStage(proxy, side)
    await load(c.warmupSec)
    await drain(proxy)
  }

  /** One slice of one side: the stage set, the previous side's shadows drained, then the load. */
  async function slice(side: Side, seconds: number): Promise<Round> {
    await setStage(proxy, side)
    await drain(proxy)
    const before = await counts(proxy)
    const u0 = await proxy.usage()
    const run = await load(seconds)
    const u1 = await proxy.usage()
    const after = await counts(proxy)
    return {
      responses: run.responses,
      seconds: run.seconds,
      failures: run.non2xx + run.errors,
      latency: run.latency,
      cpuUs: u1.cpu.user + u1.cpu.system - u0.cpu.user - u0.cpu.system,
      decisions: (after.stages?.[side] ?? 0) - (before.stages?.[side] ?? 0),
      capSkipped: (after.skipped['concurrency-cap'] ?? 0) - (before.skipped['concurrency-cap'] ?? 0),
    }
  }

  // A busy shared machine drifts within seconds: each round is cut into ~1 s slices, and the order flips every
  // slice (off shadow, shadow off, …), so a linear drift loads both sides alike.
  const slices = Math.max(1, Math.round(durationSec))
  const sliceSec = durationSec / slices
  const start = await counts(proxy)
  const results: Record<Side, Round[]> = { off: [], shadow: [] }
  for (let round = 1; round <= rounds; round++) {
    const parts: Record<Side, Round[]> = { off: [], shadow: [] }
    for (let i = 0; i < slices; i++) {
      for (const side of i % 2 === 0 ? (['off', 'shadow'] as const) : (['shadow', 'off'] as const)) parts[side].push(await slice(side, sliceSec))
    }
    results.off.push(combine(parts.off))
    results.shadow.push(combine(parts.shadow))
    const o = results.off.at(-1)!
    const s = results.shadow.at(-1)!
    ctx.progress(
      `${c.label}: round ${round}/${rounds}: off ${Math.round(o.responses / o.seconds)} rps p99 ${o.latency.percentile(99)} ms, ` +
        `shadow ${Math.round(s.responses / s.seconds)} rps p99 ${s.latency.percentile(99)} ms, cap skipped ${pct(s.capSkipped, s.decisions)}`,
    )
  }
  // Let the last shadows publish, so their outcomes are counted in the note.
  await drain(proxy)
  const outcomes = diff((await counts(proxy)).outcomes, start.outcomes)

  const rate = (r: Round) => r.responses / r.seconds
  const cpu = (r: Round) => r.cpuUs / Math.max(1, r.responses)
  const off = combine(results.off)
  const shadow = combine(results.shadow)
  const ho = off.latency
  const hs = shadow.latency
  const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : a / b)
  const perRound = (f: (i: number) => number | null) => Array.from({ length: rounds }, (_, i) => f(i)?.toFixed(2) ?? '—').join(' / ')
  const failures = off.failures + shadow.failures
  const decisions = shadow.decisions
  const capSkipped = shadow.capSkipped
  // Shadows whose new handler ran: every shadow outcome but the skips decided before it starts (only a body over the
  // tee cap or a client gone is skipped after it ran).
  const runs = sum(Object.entries(outcomes).filter(([k]) => k.startsWith('shadow:') && !/^shadow:skipped:(?!body-too-large|client-aborted)/.test(k)).map(([, v]) => v))

  const row = (metric: string, value: number | null, unit: string, extra: Partial<Row> = {}): Row => ({ table: 'shadow vs off, same route, same proxy process', case: c.label, metric, value, unit, ...extra })
  const rows: Row[] = [
    row('off', rate(off), 'rps', failures ? { note: `${failures} non-2xx answers or errors: figures suspect` } : {}),
    row('shadow', rate(shadow), 'rps'),
    row('rps shadow/off', rate(shadow) / rate(off), '×', {
      ...(c.targets ? { target: { op: '>=', value: 0.9 } } : {}),
      note: `per round ${perRound((i) => rate(results.shadow[i]!) / rate(results.off[i]!))}${c.rate ? ' (open loop at a fixed rate: ≈1 by construction while both keep up)' : ''}`,
    }),
    row('p50 off', ho.percentile(50), 'ms'),
    row('p50 shadow', hs.percentile(50), 'ms'),
    row('p99 off', ho.percentile(99), 'ms'),
    row('p99 shadow', hs.percentile(99), 'ms'),
    row('p99 shadow/off', ratio(hs.percentile(99), ho.percentile(99)), '×', {
      ...(c.targets ? { target: { op: '<=', value: 1.1 } } : {}),
      note: `per round ${perRound((i) => ratio(results.shadow[i]!.latency.percentile(99), results.off[i]!.latency.percentile(99)))}`,
    }),
    row('skipped by cap', decisions ? (100 * capSkipped) / decisions : null, '%', {
      note: `${capSkipped} of ${decisions} shadow decisions over the cap (${String(DEFAULT_CAP)} in flight × ${NEW_DELAY_MS} ms ≈ ${Math.round((DEFAULT_CAP * 1000) / NEW_DELAY_MS)} shadows/s at most); recorded outcomes: ${
        Object.entries(outcomes).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'
      } (${runs} shadows ran)`,
    }),
    row('CPU off', cpu(off), 'µs/req'),
    row('CPU shadow', cpu(shadow), 'µs/req', {
      note: `per round off ${results.off.map((r) => cpu(r).toFixed(0)).join(' / ')}, shadow ${results.shadow.map((r) => cpu(r).toFixed(0)).join(' / ')} µs/req; a shadow that runs costs about ${
        runs ? (((cpu(shadow) - cpu(off)) * shadow.responses) / runs).toFixed(0) : '—'
      } µs more than an off request`,
    }),
  ]
  return { rows, offRps: rate(off) }
}

function combine(parts: Round[]): Round {
  const out: Round = { responses: 0, seconds: 0, failures: 0, latency: new LatencyHistogram(), cpuUs: 0, decisions: 0, capSkipped: 0 }
  for (const p of parts) {
    out.responses += p.responses
    out.seconds += p.seconds
    out.failures += p.failures
    out.latency.add(p.latency)
    out.cpuUs += p.cpuUs
    out.decisions += p.decisions
    out.capSkipped += p.capSkipped
  }
  return out
}

function pct(n: number, d: number): string {
  return d ? `${((100 * n) / d).toFixed(1)} %` : '—'
}
