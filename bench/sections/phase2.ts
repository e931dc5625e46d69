// Issue #5's bench: GET /v1/campaigns/mine live (answered from the organization) against the same route
// off (the legacy stand-in answers through the proxy), A B A B in one run; the database statements each
// side sends per request; and GET /v1/organizations for a user with five organizations.
import { LatencyHistogram, percentileRatio, sum } from '../lib/histogram.js'
import type { LoadResult } from '../lib/load.js'
import type { RunningChild } from '../lib/stack.js'
import { benchDatabase, flagsDir, startSystemChild, type Stage } from '../lib/system-child.js'
import type { BenchContext, Row, Section } from '../types.js'

const CONNECTIONS = 10

export const phase2: Section = {
  name: 'phase2',
  title: 'phase 2 reads: organization-backed vs legacy stand-in (issue #5)',
  byDefault: true,
  async run(ctx) {
    // With DATABASE_URL both proxies share that database (the first seeds it, the second finds it
    // seeded); without, each has its own embedded one with the same generated rows.
    const offFlags = flagsDir('off', ['org.reads', 'org.switcher'])
    const liveFlags = flagsDir('live', ['org.reads', 'org.switcher'])
    const db = await benchDatabase()
    const children: RunningChild[] = []
    try {
      ctx.progress(`starting the proxy with org.reads off (seeds and backfills on first start)`)
      const off = await startSystemChild(ctx, 'off', offFlags.dir, db?.url)
      children.push(off)
      ctx.progress('starting the proxy with org.reads and org.switcher live')
      const live = await startSystemChild(ctx, 'live', liveFlags.dir, db?.url)
      children.push(live)
      const tokens = await live.call<{ mine: string; five: string }>('tokens')
      const rows: Row[] = []
      rows.push(...(await campaignMine(ctx, off, live, tokens.mine)))
      const trips = await live.call<{ new: number; legacy: number | null }>('round-trips', { path: '/v1/campaigns/mine' })
      rows.push(
        { table: 'database statements per request', case: 'GET /v1/campaigns/mine', metric: 'live (new)', value: trips.new, unit: '', digits: 2, target: { op: '<=', value: 1 } },
        { table: 'database statements per request', case: 'GET /v1/campaigns/mine', metric: 'off (legacy)', value: trips.legacy, unit: '', digits: 2 },
      )
      const listTrips = await live.call<{ new: number }>('round-trips', { path: '/v1/organizations', five: true, legacy: false }).catch((err: Error) => (ctx.progress(`round trips of /v1/organizations: ${err.message}`), null))
      if (listTrips) rows.push({ table: 'database statements per request', case: 'GET /v1/organizations (5 orgs)', metric: 'live (new)', value: listTrips.new, unit: '', digits: 2 })
      rows.push(...(await organizations(ctx, live, tokens.five)))
      return rows
    } finally {
      // The children hold connections to the database: stopped first, then it is dropped.
      await Promise.all(children.map((c) => c.stop()))
      await db?.drop()
      offFlags.remove()
      liveFlags.remove()
    }
  },
}

/** Off and live alternated A B A B; the grid line of each side and their ratio. */
async function campaignMine(ctx: BenchContext, off: RunningChild, live: RunningChild, token: string): Promise<Row[]> {
  const { durationSec, rounds } = ctx.options
  const headers = { authorization: `Bearer ${token}` }
  const load = (side: RunningChild, seconds: number) => ctx.load({ url: `${side.url}/v1/campaigns/mine`, connections: CONNECTIONS, durationSec: seconds, headers })
  const warm = Math.max(ctx.options.warmupSec, 2)
  ctx.progress(`GET /v1/campaigns/mine: warm-up ${warm} s per side`)
  await load(off, warm)
  await load(live, warm)
  const runs: Record<Stage, LoadResult[]> = { off: [], live: [] }
  for (let round = 1; round <= rounds; round++) {
    runs.off.push(await load(off, durationSec))
    runs.live.push(await load(live, durationSec))
    ctx.progress(`GET /v1/campaigns/mine round ${round}/${rounds}: off ${Math.round(runs.off.at(-1)!.rps)} rps, live ${Math.round(runs.live.at(-1)!.rps)} rps`)
  }
  const rate = (rs: LoadResult[]) => sum(rs.map((r) => r.responses)) / sum(rs.map((r) => r.seconds))
  const hist = (rs: LoadResult[]) => rs.reduce((h, r) => h.add(r.latency), new LatencyHistogram())
  const failures = (rs: LoadResult[]) => sum(rs.map((r) => r.non2xx + r.errors))
  const row = (metric: string, value: number | null, unit: string, extra: Partial<Row> = {}): Row => ({ table: `GET /v1/campaigns/mine · ${CONNECTIONS} conns`, case: '', metric, value, unit, ...extra })
  const out: Row[] = []
  for (const stage of ['off', 'live'] as const) {
    const h = hist(runs[stage])
    const bad = failures(runs[stage])
    out.push(
      { ...row('rps', rate(runs[stage]), 'rps', bad ? { note: `${stage}: ${bad} non-2xx answers or errors: figures suspect` } : {}), case: stage === 'off' ? 'off (legacy stand-in)' : 'live (organization)' },
      { ...row('p50', h.percentile(50), 'ms'), case: stage === 'off' ? 'off (legacy stand-in)' : 'live (organization)' },
      { ...row('p99', h.percentile(99), 'ms'), case: stage === 'off' ? 'off (legacy stand-in)' : 'live (organization)' },
    )
  }
  const ratio = rate(runs.live) / rate(runs.off)
  const perRound = runs.live.map((r, i) => (r.rps / runs.off[i]!.rps).toFixed(2)).join(' / ')
  out.push({ ...row('rps', ratio, '×', { note: `live/off per round ${perRound}` }), case: 'live/off' })
  const [ho, hl] = [hist(runs.off), hist(runs.live)]
  out.push({ ...row('p50', percentileRatio(hl, ho, 50), '×'), case: 'live/off' }, { ...row('p99', percentileRatio(hl, ho, 99), '×'), case: 'live/off' })
  return out
}

/** GET /v1/organizations for the user with five organizations, on the live proxy. */
async function organizations(ctx: BenchContext, live: RunningChild, token: string): Promise<Row[]> {
  const url = `${live.url}/v1/organizations`
  await ctx.load({ url, connections: CONNECTIONS, durationSec: Math.max(ctx.options.warmupSec / 2, 1), headers: { authorization: `Bearer ${token}` } })
  const runs: LoadResult[] = []
  for (let round = 1; round <= ctx.options.rounds; round++) runs.push(await ctx.load({ url, connections: CONNECTIONS, durationSec: ctx.options.durationSec, headers: { authorization: `Bearer ${token}` } }))
  const h = runs.reduce((acc, r) => acc.add(r.latency), new LatencyHistogram())
  const bad = sum(runs.map((r) => r.non2xx + r.errors))
  const row = (metric: string, value: number | null, unit: string, extra: Partial<Row> = {}): Row => ({ table: `GET /v1/organizations · 5 organizations · ${CONNECTIONS} conns`, case: 'live', metric, value, unit, ...extra })
  return [
    row('rps', sum(runs.map((r) => r.responses)) / sum(runs.map((r) => r.seconds)), 'rps', bad ? { note: `${bad} non-2xx answers or errors: figures suspect` } : {}),
    row('p50', h.percentile(50), 'ms'),
    row('p99', h.percentile(99), 'ms'),
  ]
}


