// Issue #2's bench: direct vs through the proxy, proxy CPU per request, memory during 20 MiB transfers.
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import { Agent, request } from 'undici'
import { LatencyHistogram, sum } from '../lib/histogram.js'
import type { LoadResult } from '../lib/load.js'
import { patternChunks, patternSha256 } from '../lib/pattern.js'
import { startBareProxy, startProxy, startUpstream, UPSTREAM_ROUTES, type RunningChild } from '../lib/stack.js'
import type { BenchContext, Row, Section } from '../types.js'

// Direct and proxied runs alternate (A B A B) in one run because the machine drifts; ratios are what compare.

const MiB = 1024 * 1024
const TRANSFER_BYTES = 20 * MiB

type LoadCase = { body: string; path: string; connections: number; targets: boolean }

// The targets of issue #2 apply to small JSON at 10 connections; the other cases show the trend.
const CASES: LoadCase[] = [
  { body: 'small JSON', path: UPSTREAM_ROUTES.small, connections: 10, targets: true },
  { body: 'small JSON', path: UPSTREAM_ROUTES.small, connections: 50, targets: false },
  { body: '1 MiB', path: UPSTREAM_ROUTES.oneMiB, connections: 10, targets: false },
  { body: '1 MiB', path: UPSTREAM_ROUTES.oneMiB, connections: 50, targets: false },
]

export const passthrough: Section = {
  name: 'passthrough',
  title: 'pass-through core, direct vs through the proxy (issue #2)',
  byDefault: true,
  async run(ctx) {
    const upstream = await startUpstream(ctx, { downloadBytes: TRANSFER_BYTES })
    const proxy = await startProxy(ctx, upstream.url)
    const smallBytes = Number(upstream.info.smallBytes)
    const rows: Row[] = []

    // A fresh proxy is the worst case for memory (heap not yet grown): a few requests load the code
    // and open pooled sockets, then the transfers run before any sustained load.
    await ctx.load({ url: proxy.url + UPSTREAM_ROUTES.small, connections: 2, durationSec: 0.5 })
    rows.push(...(await transfers(ctx, proxy, 'fresh proxy')))

    // The bare reference runs only in the target case: it calibrates the machine, it is not measured for itself.
    const bare = await startBareProxy(ctx, upstream.url)
    let first = true
    for (const c of CASES) {
      const label = `${c.body === 'small JSON' ? `small JSON (${smallBytes} B)` : c.body} · ${c.connections} conns`
      const sides: Side[] = [
        { name: 'direct', url: upstream.url },
        { name: 'proxied', url: proxy.url, child: proxy },
        ...(c.targets ? [{ name: 'bare', url: bare.url, child: bare }] : []),
      ]
      rows.push(...(await loadCase(ctx, c, label, sides, first)))
      first = false
    }

    rows.push(...(await transfers(ctx, proxy, 'after the load runs')))
    return rows
  },
}

type Side = { name: string; url: string; child?: RunningChild }
type SideRuns = { side: Side; runs: LoadResult[]; cpuUs: number[] }

/** Direct and proxied runs of one case, alternated A B (C) A B (C)…; returns the case's grid line. */
async function loadCase(ctx: BenchContext, c: LoadCase, label: string, sides: Side[], first: boolean): Promise<Row[]> {
  const { durationSec, rounds } = ctx.options
  const load = (side: Side, seconds: number) => ctx.load({ url: side.url + c.path, connections: c.connections, durationSec: seconds })
  // The first case also warms the JIT of every process, so it gets a longer warm-up.
  const warmupSec = first ? Math.max(ctx.options.warmupSec, 2) : Math.max(ctx.options.warmupSec / 2, 1)
  ctx.progress(`${label}: warm-up ${warmupSec} s per side`)
  for (const side of sides) await load(side, warmupSec)

  const results: SideRuns[] = sides.map((side) => ({ side, runs: [], cpuUs: [] }))
  for (let round = 1; round <= rounds; round++) {
    for (const r of results) {
      const before = r.side.child ? await r.side.child.usage() : null
      const run = await load(r.side, durationSec)
      const after = r.side.child ? await r.side.child.usage() : null
      r.runs.push(run)
      if (before && after) r.cpuUs.push(after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system)
    }
    ctx.progress(
      `${label}: round ${round}/${rounds}: ` +
        results
          .map((r) => `${r.side.name} ${Math.round(r.runs.at(-1)!.rps)} rps${r.cpuUs.length ? ` (${(r.cpuUs.at(-1)! / Math.max(1, r.runs.at(-1)!.responses)).toFixed(1)} µs/req)` : ''}`)
          .join(', '),
    )
  }

  const [direct, proxied, bare] = results as [SideRuns, SideRuns, SideRuns | undefined]
  const rate = (r: SideRuns) => sum(r.runs.map((x) => x.responses)) / sum(r.runs.map((x) => x.seconds))
  const merged = (r: SideRuns) => r.runs.reduce((h, x) => h.add(x.latency), new LatencyHistogram())
  const cpuPerRequest = (r: SideRuns) => sum(r.cpuUs) / Math.max(1, sum(r.runs.map((x) => x.responses)))
  const ratioPerRound = (r: SideRuns) => r.runs.map((x, i) => x.rps / direct.runs[i]!.rps)
  const dh = merged(direct)
  const ph = merged(proxied)
  const added = (p: number) => {
    const a = ph.percentile(p)
    const b = dh.percentile(p)
    return a === null || b === null ? null : a - b
  }
  const failures = results.reduce((n, r) => n + r.runs.reduce((m, x) => m + x.non2xx + x.errors, 0), 0)

  const row = (metric: string, value: number | null, unit: string, extra: Partial<Row> = {}): Row => ({ table: 'load', case: label, metric, value, unit, ...extra })
  const perRound = (xs: number[], digits: number) => xs.map((x) => x.toFixed(digits)).join(' / ')
  const rows = [
    row('direct', rate(direct), 'rps'),
    row('proxied', rate(proxied), 'rps', failures ? { note: `${failures} non-2xx answers or errors: figures suspect` } : {}),
    row('proxied/direct', rate(proxied) / rate(direct), '×', {
      ...(c.targets ? { target: { op: '>=', value: 0.3 } } : {}),
      ...(rounds > 1 ? { note: `per round ${perRound(ratioPerRound(proxied), 2)}` } : {}),
    }),
    row('p50 direct', dh.percentile(50), 'ms'),
    row('p50 added', added(50), 'ms', c.targets ? { target: { op: '<=', value: 0.5 } } : {}),
    row('p99 direct', dh.percentile(99), 'ms'),
    row('p99 added', added(99), 'ms'),
    row('proxy CPU', cpuPerRequest(proxied), 'µs/req', {
      ...(c.targets ? { target: { op: '<=', value: 50 } } : {}),
      ...(rounds > 1 ? { note: `per round ${perRound(proxied.cpuUs.map((us, i) => us / Math.max(1, proxied.runs[i]!.responses)), 1)} µs` } : {}),
    }),
  ]
  if (bare) {
    // Its own grid: a calibration of this run's machine, against which the proxy's CPU can be read
    // when a busy machine inflates every absolute figure.
    const calibration = (metric: string, value: number | null, unit: string, extra: Partial<Row> = {}): Row => ({
      table: 'calibration: bare node:http → undici pool, no logging/metrics/header rules (issue #2 measured 45 µs, 0.33× on a quiet machine)',
      case: label,
      metric,
      value,
      unit,
      ...extra,
    })
    rows.push(
      calibration('bare/direct', rate(bare) / rate(direct), '×'),
      calibration('bare CPU', cpuPerRequest(bare), 'µs/req', rounds > 1 ? { note: `per round ${perRound(bare.cpuUs.map((us, i) => us / Math.max(1, bare.runs[i]!.responses)), 1)} µs` } : {}),
      calibration('proxy CPU / bare CPU', cpuPerRequest(proxied) / cpuPerRequest(bare), '×'),
    )
  }
  return rows
}

/** A 20 MiB upload and a 20 MiB download through the proxy at once, every byte verified by hash. */
async function transfers(ctx: BenchContext, proxy: RunningChild, when: string): Promise<Row[]> {
  ctx.progress(`20 MiB upload + download at once (${when})`)
  const expected = patternSha256(TRANSFER_BYTES)
  const agent = new Agent({ connections: 2 })
  try {
    const window = await proxy.resetPeakRss()
    const started = performance.now()
    const [up, down] = await Promise.all([upload(agent, proxy.url), download(agent, proxy.url)])
    const seconds = (performance.now() - started) / 1000
    const peak = await proxy.peakRss()

    const problems: string[] = []
    if (up.status !== 200 || up.bytes !== TRANSFER_BYTES || up.sha256 !== expected) problems.push(`upload: status ${up.status}, ${up.bytes} bytes, hash ${up.sha256 === expected ? 'ok' : 'MISMATCH'}`)
    if (down.status !== 200 || down.bytes !== TRANSFER_BYTES || down.sha256 !== expected) problems.push(`download: status ${down.status}, ${down.bytes} bytes, hash ${down.sha256 === expected ? 'ok' : 'MISMATCH'}`)
    // The kernel's high-water mark sees spikes shorter than the 10 ms sampling; the larger one counts.
    const peakBytes = Math.max(peak.sampledPeak, peak.kernelPeak ?? 0)
    const growth = (peakBytes - window.baseline) / MiB
    const row = (metric: string, value: number | string | null, unit: string, extra: Partial<Row> = {}): Row => ({ table: '20 MiB upload + 20 MiB download at once', case: when, metric, value, unit, ...extra })
    return [
      row('baseline RSS', window.baseline / MiB, 'MiB'),
      row('peak RSS growth', growth, 'MiB', {
        target: { op: '<', value: 64 },
        note: `sampled every 10 ms: +${((peak.sampledPeak - window.baseline) / MiB).toFixed(1)} MiB; kernel VmHWM: ${peak.kernelPeak === null ? 'n/a' : `+${((peak.kernelPeak - window.baseline) / MiB).toFixed(1)} MiB`}`,
      }),
      row('both done in', seconds, 's', { digits: 2 }),
      row('bytes verified', problems.length ? `NO: ${problems.join('; ')}` : 'yes (SHA-256 both ways)', ''),
    ]
  } finally {
    await agent.close()
  }
}

async function upload(agent: Agent, base: string): Promise<{ status: number; bytes: number; sha256: string }> {
  const res = await request(base + UPSTREAM_ROUTES.upload, {
    dispatcher: agent,
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(TRANSFER_BYTES) },
    body: Readable.from(patternChunks(TRANSFER_BYTES), { objectMode: false }),
  })
  const text = await res.body.text()
  try {
    const json = JSON.parse(text) as { bytes: number; sha256: string }
    return { status: res.statusCode, bytes: json.bytes, sha256: json.sha256 }
  } catch {
    return { status: res.statusCode, bytes: -1, sha256: text.slice(0, 80) }
  }
}

async function download(agent: Agent, base: string): Promise<{ status: number; bytes: number; sha256: string }> {
  const res = await request(base + UPSTREAM_ROUTES.download, { dispatcher: agent })
  const hash = createHash('sha256')
  let bytes = 0
  for await (const chunk of res.body) {
    bytes += (chunk as Buffer).length
    hash.update(chunk as Buffer)
  }
  return { status: res.statusCode, bytes, sha256: hash.digest('hex') }
}

