// Phase 3's bench (docs/runbook-phase-3.md): PUT /v1/voters/voter-file/filter/:id (voter-filters.update)
// through three whole proxies started with org.writes off, shadow and live, off shadow live in turn in one
// run. Off forwards to the legacy stand-in; shadow also takes the segment's before-image before legacy and,
// after the client has its answer, runs the proxy's handler in a rolled-back transaction on the same
// database; live answers from the proxy's handler in one transaction. What the client pays is compared
// with off; what the shadow child did with the requests (compared, skipped by cause, failed) is read from
// its own metrics and its rows in org_proxy.comparison.
import { LatencyHistogram, percentileRatio, sum } from '../lib/histogram.js'
import type { LoadResult } from '../lib/load.js'
import type { RunningChild } from '../lib/stack.js'
import { benchDatabase, flagsDir, startSystemChild } from '../lib/system-child.js'
import type { BenchContext, Row } from '../types.js'
import type { Section } from '../types.js'

const CONNECTIONS = 10
const ROUTE = 'voter-filters.update'
const BODY = JSON.stringify({ name: 'bench' })
/**
 * Segments (each its own user's) the requests go round: production's edits land on different rows, and
 * ten connections editing one row would mostly measure its lock (the shadow's transaction holds it too).
 */
const SEGMENTS = Number(process.env.BENCH_SEGMENTS ?? 20)
const SIDES = ['off', 'shadow', 'live'] as const
type Side = (typeof SIDES)[number]
const LABEL: Record<Side, string> = { off: 'off (legacy)', shadow: 'shadow (legacy answers)', live: 'live (proxy handler)' }
/** Who each side's answer must come from (the x-org-proxy-served-by header). */
const SERVED_BY: Record<Side, string> = { off: 'legacy', shadow: 'legacy', live: 'new' }

type Segment = { token: string; id: number; userId: number }
type Counts = Record<string, number>
type ShadowStats = {
  stages: Counts
  outcomes: Counts
  skipped: Counts
  shadowFailures: Counts
  recordingLost: Counts
  rows: { total: number; maxId: string | null; byOutcome: { outcome: string; cause: string | null; n: number }[] }
}

export const phase3: Section = {
  name: 'phase3',
  title: 'phase 3 writes: PUT …/filter/:id with org.writes off, shadow, live',
  byDefault: true,
  async run(ctx) {
    // With DATABASE_URL the three proxies share one database (the first seeds it, the others find it
    // seeded); without, each has its own embedded one with the same generated rows.
    const flags = { off: flagsDir('off', ['org.writes']), shadow: flagsDir('shadow', ['org.writes']), live: flagsDir('live', ['org.writes']) }
    const db = await benchDatabase('phase3')
    const children: RunningChild[] = []
    try {
      const proxies = {} as Record<Side, RunningChild>
      for (const side of SIDES) {
        ctx.progress(`starting the proxy with org.writes ${side}${side === 'off' ? ' (seeds and backfills on first start)' : ''}`)
        proxies[side] = await startSystemChild(ctx, side, flags[side].dir, db?.url)
        children.push(proxies[side])
      }
      // Each child picks from its own database (the same generated rows when embedded, the same rows when shared).
      const segments: Record<Side, Segment[]> = {
        off: (await proxies.off.call<{ all: Segment[] }>('segment', { count: SEGMENTS })).all,
        shadow: (await proxies.shadow.call<{ all: Segment[] }>('segment', { count: SEGMENTS })).all,
        live: (await proxies.live.call<{ all: Segment[] }>('segment', { count: SEGMENTS })).all,
      }
      for (const side of SIDES) await probe(proxies[side], side, segments[side][0]!)
      ctx.progress(`PUT …/filter/:id: ${segments.off.length} segments of ${segments.off.length} users in turn, ${CONNECTIONS} connections`)
      return await measure(ctx, proxies, segments)
    } finally {
      // The children hold connections to the database: stopped first, then it is dropped.
      await Promise.all(children.map((c) => c.stop()))
      await db?.drop()
      for (const f of Object.values(flags)) f.remove()
    }
  },
}

/** One request per side before any load: the stage and the status must be the ones measured, else nothing is. */
async function probe(proxy: RunningChild, side: Side, s: Segment): Promise<void> {
  const res = await fetch(`${proxy.url}/v1/voters/voter-file/filter/${s.id}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
    body: BODY,
  })
  const text = await res.text()
  const stage = res.headers.get('x-org-proxy-stage')
  const servedBy = res.headers.get('x-org-proxy-served-by')
  if (res.status !== 200 || stage !== side || servedBy !== SERVED_BY[side]) {
    throw new Error(`probe of the ${side} proxy: PUT …/filter/${s.id} (user ${s.userId}) answered ${res.status}, stage ${stage}, served by ${servedBy} (wanted 200, ${side}, ${SERVED_BY[side]}): ${text.slice(0, 200)}`)
  }
}

async function measure(ctx: BenchContext, proxies: Record<Side, RunningChild>, segments: Record<Side, Segment[]>): Promise<Row[]> {
  const { durationSec, rounds } = ctx.options
  const cpuSeconds = async (side: Side) => {
    const u = await proxies[side].usage()
    return (u.cpu.user + u.cpu.system) / 1e6
  }
  /** CPU seconds each side's child spent during its measured runs (it hosts the proxy and the stand-in). */
  const cpu: Record<string, number> = {}
  const load = async (side: Side, seconds: number, overallRate?: number, account?: string) => {
    const c0 = account ? await cpuSeconds(side) : 0
    const r = await loadRun(side, seconds, overallRate)
    if (account) cpu[account] = (cpu[account] ?? 0) + (await cpuSeconds(side)) - c0
    return r
  }
  const loadRun = (side: Side, seconds: number, overallRate?: number) =>
    ctx.load({
      ...(overallRate === undefined ? {} : { overallRate }),
      url: `${proxies[side].url}/v1/voters/voter-file/filter/${segments[side][0]!.id}`,
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: BODY,
      rotate: segments[side].map((s) => ({ path: `/v1/voters/voter-file/filter/${s.id}`, headers: { authorization: `Bearer ${s.token}` } })),
      connections: CONNECTIONS,
      durationSec: seconds,
    })
  const rate = (rs: LoadResult[]) => sum(rs.map((r) => r.responses)) / sum(rs.map((r) => r.seconds))
  const hist = (rs: LoadResult[]) => rs.reduce((h, r) => h.add(r.latency), new LatencyHistogram())
  const warm = Math.max(ctx.options.warmupSec, 2)
  ctx.progress(`PUT …/filter/:id: warm-up ${warm} s per side`)
  const warmups: Record<Side, LoadResult> = {} as Record<Side, LoadResult>
  for (const side of SIDES) warmups[side] = await load(side, warm)
  // The warm-up's shadows finish and are recorded before the counters are read.
  const shadow = proxies.shadow
  const before = await settled(shadow)
  const runs: Record<Side, LoadResult[]> = { off: [], shadow: [], live: [] }
  for (let round = 1; round <= rounds; round++) {
    for (const side of SIDES) runs[side].push(await load(side, durationSec, undefined, side))
    ctx.progress(`PUT …/filter/:id round ${round}/${rounds}: ${SIDES.map((s) => `${s} ${Math.round(runs[s].at(-1)!.rps)} rps`).join(', ')}`)
  }
  const after = await settled(shadow)
  // Saturated, the shadow child sheds most shadows (loop-busy), and a skipped shadow skips the
  // before-image too: the closed-loop ratio then says little about a shadow that runs. Paced at a fifth
  // of off's rate (the stand-in shares the child's event loop: at half, most shadows were still shed),
  // off and shadow again, to see what the client pays while shadows do run.
  const pace = Math.max(10, Math.round(rate(runs.off) / 5))
  const paced: Record<'off' | 'shadow', LoadResult[]> = { off: [], shadow: [] }
  for (let round = 1; round <= rounds; round++) {
    paced.off.push(await load('off', durationSec, pace, 'paced off'))
    paced.shadow.push(await load('shadow', durationSec, pace, 'paced shadow'))
    ctx.progress(`PUT …/filter/:id paced at ${pace} rps, round ${round}/${rounds}: off p50 ${fmt(paced.off.at(-1)!.latency.percentile(50))} ms, shadow p50 ${fmt(paced.shadow.at(-1)!.latency.percentile(50))} ms`)
  }
  const afterPaced = await settled(shadow)

  const table = `PUT /v1/voters/voter-file/filter/:id {"name":"bench"} · ${CONNECTIONS} conns · ${segments.off.length} segments in turn`
  const out: Row[] = []
  for (const side of SIDES) {
    const h = hist(runs[side])
    const non2xx = sum(runs[side].map((r) => r.non2xx))
    const errors = sum(runs[side].map((r) => r.errors))
    const warmBad = warmups[side].non2xx + warmups[side].errors
    const notes = [
      non2xx || errors ? `${non2xx} non-2xx answers and ${errors} errors of ${sum(runs[side].map((r) => r.responses))}: figures suspect (a 404 means the segment is gone)` : '',
      warmBad ? `warm-up: ${warmBad} non-2xx answers or errors` : '',
    ].filter(Boolean)
    const row = (metric: string, value: number | null, unit: string, extra: Partial<Row> = {}): Row => ({ table, case: LABEL[side], metric, value, unit, ...extra })
    out.push(
      row('rps', rate(runs[side]), 'rps'),
      row('p50', h.percentile(50), 'ms'),
      row('p99', h.percentile(99), 'ms'),
      row('child CPU', (100 * (cpu[side] ?? 0)) / sum(runs[side].map((r) => r.seconds)), '%'),
      row('non-2xx+errors', non2xx + errors, '', { target: { op: '<=', value: 0 }, ...(notes.length ? { note: notes.join('; ') } : {}) }),
    )
  }

  const [ho, hs, hl] = [hist(runs.off), hist(runs.shadow), hist(runs.live)]
  const perRound = (side: Side) => runs[side].map((r, i) => (r.rps / runs.off[i]!.rps).toFixed(2)).join(' / ')
  const ratios = 'ratios to off (runbook: the shadow client pays only the before-image read)'
  out.push(
    { table: ratios, case: 'shadow/off', metric: 'p50', value: percentileRatio(hs, ho, 50), unit: '×', target: { op: '<=', value: 1.5 } },
    { table: ratios, case: 'shadow/off', metric: 'p99', value: percentileRatio(hs, ho, 99), unit: '×' },
    { table: ratios, case: 'shadow/off', metric: 'rps', value: rate(runs.shadow) / rate(runs.off), unit: '×', target: { op: '>=', value: 0.5 }, note: `per round ${perRound('shadow')}` },
    { table: ratios, case: 'live/off', metric: 'p50', value: percentileRatio(hl, ho, 50), unit: '×' },
    { table: ratios, case: 'live/off', metric: 'p99', value: percentileRatio(hl, ho, 99), unit: '×' },
    { table: ratios, case: 'live/off', metric: 'rps', value: rate(runs.live) / rate(runs.off), unit: '×', note: `per round ${perRound('live')} (informational)` },
  )
  out.push(...shadowRows(before, after, sum(runs.shadow.map((r) => r.responses)), runs.shadow.length))

  // The paced runs: informational (the runbook's targets are the closed-loop ones above).
  const pacedTable = `paced at ${pace} rps (a fifth of off's) · ${CONNECTIONS} conns: shadows run (informational)`
  const [po, ps] = [hist(paced.off), hist(paced.shadow)]
  const pacedStats = shadowRows(after, afterPaced, sum(paced.shadow.map((r) => r.responses)), paced.shadow.length)
  const comparedShare = pacedStats.find((r) => r.metric === 'compared %')?.value ?? null
  const pacedSkips = pacedStats.find((r) => r.metric === 'skipped' && r.table?.startsWith('shadow child: what'))
  for (const side of ['off', 'shadow'] as const) {
    const h = side === 'off' ? po : ps
    const bad = sum(paced[side].map((r) => r.non2xx + r.errors))
    out.push(
      { table: pacedTable, case: LABEL[side], metric: 'rps', value: rate(paced[side]), unit: 'rps' },
      { table: pacedTable, case: LABEL[side], metric: 'p50', value: h.percentile(50), unit: 'ms' },
      { table: pacedTable, case: LABEL[side], metric: 'p99', value: h.percentile(99), unit: 'ms' },
      { table: pacedTable, case: LABEL[side], metric: 'child CPU', value: (100 * (cpu[`paced ${side}`] ?? 0)) / sum(paced[side].map((r) => r.seconds)), unit: '%' },
      { table: pacedTable, case: LABEL[side], metric: 'non-2xx+errors', value: bad, unit: '', target: { op: '<=', value: 0 }, ...(bad ? { note: `${bad} non-2xx answers or errors: figures suspect` } : {}) },
    )
  }
  out.push(
    { table: pacedTable, case: 'shadow/off', metric: 'p50', value: percentileRatio(ps, po, 50), unit: '×' },
    { table: pacedTable, case: 'shadow/off', metric: 'p99', value: percentileRatio(ps, po, 99), unit: '×' },
    { table: pacedTable, case: 'shadow child', metric: 'compared %', value: comparedShare, unit: '%', ...(pacedSkips?.value ? { note: `paced: ${pacedSkips.note}` } : {}) },
  )
  return out
}

function fmt(ms: number | null): string {
  return ms === null ? '—' : ms.toFixed(1)
}

/** What the shadow child did with the measured rounds' requests: the difference of its counters. */
function shadowRows(before: ShadowStats, after: ShadowStats, answered: number, runs: number): Row[] {
  // A run stops with up to one request per connection in flight: answered to the proxy, not counted by the client.
  const slack = CONNECTIONS * runs
  const d = (a: Counts, b: Counts) => {
    const out: Counts = {}
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const v = (b[k] ?? 0) - (a[k] ?? 0)
      if (v) out[k] = v
    }
    return out
  }
  const requests = (after.stages.shadow ?? 0) - (before.stages.shadow ?? 0)
  const outcomes = d(before.outcomes, after.outcomes)
  const skipped = d(before.skipped, after.skipped)
  const failures = d(before.shadowFailures, after.shadowFailures)
  const lost = d(before.recordingLost, after.recordingLost)
  const compared = sum(Object.entries(outcomes).filter(([k]) => k !== 'skipped').map(([, v]) => v))
  const skips = sum(Object.values(skipped))
  const failed = failures['write-shadow-failed'] ?? 0
  const rows = after.rows.total - before.rows.total
  const table = 'shadow child: what became of the measured requests (its metrics; rows in org_proxy.comparison)'
  const row = (metric: string, value: number | null, unit: string, extra: Partial<Row> = {}): Row => ({ table, case: ROUTE, metric, value, unit, ...extra })
  const share = requests ? (100 * compared) / requests : null
  const causes = Object.entries(skipped).map(([k, v]) => `${k} ${v}`).join(', ')
  const shedNote = skips
    ? `the shadow shed ${skips} of ${requests} (${causes}): expected under saturating load (loop-busy: event loop over SHADOW_MAX_LOOP_UTILIZATION, default 0.9; concurrency-cap: 32 shadows in flight); the client is never held for a shadow`
    : 'no shadow skipped'
  const out: Row[] = [
    row('answered', answered, '', Math.abs(answered - requests) > slack ? { note: `the client counted ${answered} answers, the proxy ${requests} shadow-stage requests (a request in flight when a run stopped, or one the engine never saw)` } : {}),
    row('shadow requests', requests, ''),
    row('compared', compared, ''),
    row('compared %', share, '%'),
    row('skipped', skips, '', { note: shedNote }),
    row('failed', failed, '', failed ? { note: `${failed} shadows failed outright (secondary failures path=shadow: ${JSON.stringify(failures)}): read the child's log (LOG_LEVEL=warn)` } : {}),
    row('rows', rows, '', rows !== compared + skips ? { note: `${rows} rows recorded for ${compared + skips} comparisons and skips${Object.keys(lost).length ? ` (recording lost: ${JSON.stringify(lost)})` : ' (a batch still unflushed?)'}` } : {}),
  ]
  // One line per outcome and per skip cause, so a mismatch or a new-error is visible at a glance.
  const byOutcome = 'shadow child: comparisons by outcome, skips by cause (measured rounds)'
  const comparedOutcomes = Object.entries(outcomes).filter(([k]) => k !== 'skipped')
  for (const [outcome, n] of comparedOutcomes.length ? comparedOutcomes : [['match', 0] as [string, number]]) {
    const bad = outcome === 'mismatch' || outcome === 'new-error' || outcome === 'timeout'
    out.push({ table: byOutcome, case: `outcome ${outcome}`, metric: 'count', value: n, unit: '', ...(bad && n ? { note: `${n} ${outcome}: not expected on data in sync (npm run diffs -- --flag org.writes against this database; concurrent edits of one segment, or a lock timeout of the shadow)` } : {}) })
  }
  for (const [cause, n] of Object.entries(skipped)) out.push({ table: byOutcome, case: `skipped: ${cause}`, metric: 'count', value: n, unit: '' })
  return out
}

/**
 * The shadow child's counters once every shadow it started has ended (compared, skipped or failed) and
 * the recorder has written its rows; gives up waiting after 15 s (the figures then say so).
 */
async function settled(shadow: RunningChild): Promise<ShadowStats> {
  const until = Date.now() + 15_000
  let s = await shadow.call<ShadowStats>('shadow-stats', { route: ROUTE })
  for (;;) {
    const ended = sum(Object.values(s.outcomes)) + (s.shadowFailures['write-shadow-failed'] ?? 0)
    const recorded = s.rows.total >= sum(Object.values(s.outcomes))
    if ((ended >= (s.stages.shadow ?? 0) && recorded) || Date.now() > until) return s
    await new Promise((r) => setTimeout(r, 250))
    s = await shadow.call<ShadowStats>('shadow-stats', { route: ROUTE })
  }
}


