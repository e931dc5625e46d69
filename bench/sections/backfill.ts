// Issue #4's bench (opt-in: `npm run bench -- backfill`): the organization backfill over a million
// generated campaigns against one INSERT … SELECT of the same mapping (the physical limit), its peak
// memory and verify; then the latency the dual writes add over pass-through on the write routes.
import postgres from 'postgres'
import { campaignBatchSql, officeBatchSql } from '../../src/backfill/index.js'
import { applyLegacyBaseline, migrateProxy } from '../../src/db/migrate.js'
import { seed } from '../../src/seed/index.js'
import { createBenchDb, type BenchDb } from '../lib/pg-bench.js'
import { dualWriteCost } from '../lib/dual-write-cost.js'
import type { BenchContext, Row, Section } from '../types.js'

// ~95 % of users get a campaign: this many users give about 1,000,000 campaigns.
const USERS = Number(process.env.BENCH_BACKFILL_USERS ?? 1_052_632)
const MiB = 1024 * 1024

export const backfill: Section = {
  name: 'backfill',
  title: 'phase 1: organization backfill at scale, dual-write cost (issue #4)',
  byDefault: false,
  async run(ctx) {
    return [...(await backfillAtScale(ctx)), ...(await dualWriteCost(ctx))]
  },
}

async function backfillAtScale(ctx: BenchContext): Promise<Row[]> {
  const dbs: BenchDb[] = []
  try {
    const a = await createBenchDb('bf')
    dbs.push(a)
    ctx.progress(`seeding ${USERS.toLocaleString('en-US')} users into ${a.name} (the generator's messy rows)`)
    const sql = postgres(a.url, { max: 2, onnotice: () => {} })
    let counts: Record<'campaign' | 'path_to_victory' | 'elected_office', number>
    try {
      await applyLegacyBaseline(sql)
      counts = (await seed(sql, { users: USERS, log: (l) => ctx.progress(l) })).counts as typeof counts
      await migrateProxy(sql)
      await sql.unsafe('VACUUM ANALYZE')
    } finally {
      await sql.end()
    }
    // The same rows twice: one database for the batched backfill, one for the one-shot statement.
    ctx.progress('cloning the database for the one-shot statement')
    const b = await createBenchDb('bf1', { template: a.name })
    dbs.push(b)
    const rowsTotal = counts.campaign + counts.elected_office

    ctx.progress('npm run backfill -- organizations (child process, CLI defaults)')
    const child = await ctx.spawn(new URL('../children/backfill-runner.ts', import.meta.url), { name: 'backfill', env: { BENCH_DATABASE_URL: a.url }, readyTimeoutMs: 60_000 })
    const window = await child.resetPeakRss()
    const bf = await child.call<{ ms: number; walked: number; batches: number; summary: string[] }>('backfill')
    const peak = await child.peakRss()
    ctx.progress(`backfill: ${(bf.ms / 1000).toFixed(1)} s, ${bf.batches} batches; ${bf.summary[0]}`)
    ctx.progress('verify (TypeScript mapping over every organization)')
    const vf = await child.call<{ ms: number; checked: number; drifted: number }>('verify')
    await child.stop()

    ctx.progress('one INSERT … SELECT of the same mapping and links (campaigns, then offices)')
    const one = await oneShot(b.url)
    const label = `${counts.campaign.toLocaleString('en-US')} campaigns (${counts.path_to_victory.toLocaleString('en-US')} with P2V) + ${counts.elected_office.toLocaleString('en-US')} offices`
    const row = (c: string, metric: string, value: number | null, unit: string, extra: Partial<Row> = {}): Row => ({ table: `backfill · ${label}`, case: c, metric, value, unit, ...extra })
    const growth = (Math.max(peak.sampledPeak, peak.kernelPeak ?? 0) - window.baseline) / MiB
    return [
      row('npm run backfill (batches of 2000)', 'time', bf.ms / 1000, 's', { digits: 1, target: { op: '<', value: 60 } }),
      row('npm run backfill (batches of 2000)', 'rows/s', bf.walked / (bf.ms / 1000), 'rows/s'),
      row('npm run backfill (batches of 2000)', 'one-shot/batched', one.ms / bf.ms, '×', { target: { op: '>=', value: 0.5 }, note: 'one-shot/batched: time of the one statement over time of the batched run (1 = no batching overhead)' }),
      row('npm run backfill (batches of 2000)', 'peak RSS growth', growth, 'MiB', { note: `backfill process RSS at start ${(window.baseline / MiB).toFixed(0)} MiB; sampled every 10 ms and the kernel's VmHWM` }),
      row('one INSERT … SELECT (same work)', 'time', one.ms / 1000, 's', { digits: 1, note: `campaigns ${(one.campaignsMs / 1000).toFixed(1)} s + offices ${(one.officesMs / 1000).toFixed(1)} s; both sides run with jit off, work_mem 64MB, synchronous_commit off` }),
      row('one INSERT … SELECT (same work)', 'rows/s', rowsTotal / (one.ms / 1000), 'rows/s'),
      row('verify (every organization vs mapping)', 'time', vf.ms / 1000, 's', { digits: 1 }),
      row('verify (every organization vs mapping)', 'rows/s', vf.checked / (vf.ms / 1000), 'rows/s'),
      row('verify (every organization vs mapping)', 'drift', vf.drifted, '', { target: { op: '<=', value: 0 } }),
    ]
  } finally {
    ctx.progress('dropping the bench databases')
    for (const db of dbs.reverse()) await db.drop()
  }
}

/** The backfill's batch statements without a LIMIT: every row in one statement per table. */
async function oneShot(url: string): Promise<{ ms: number; campaignsMs: number; officesMs: number }> {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    await sql.unsafe(`SET jit = off; SET work_mem = '64MB'; SET synchronous_commit = off`)
    let t = performance.now()
    await sql.unsafe(campaignBatchSql('all'), [0])
    const campaignsMs = performance.now() - t
    t = performance.now()
    await sql.unsafe(officeBatchSql('all'), ['00000000-0000-0000-0000-000000000000'])
    const officesMs = performance.now() - t
    return { ms: campaignsMs + officesMs, campaignsMs, officesMs }
  } finally {
    await sql.end()
  }
}
