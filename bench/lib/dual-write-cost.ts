// Issue #4's dual-write cost: the write routes of phase 1 through the proxy with org.dual-write off
// (pass-through) and live (legacy write, then the organization sync), alternated A B A B; the latency
// the organization write adds at p50 and p99, each request as a different user.
import postgres from 'postgres'
import { Pool } from 'undici'
import { organizationsBackfill } from '../../src/backfill/index.js'
import { signJwt } from '../../src/auth/jwt.js'
import { applyLegacyBaseline, migrateProxy } from '../../src/db/migrate.js'
import { runJob } from '../../src/jobs/index.js'
import { seed } from '../../src/seed/index.js'
import type { BenchContext, Row } from '../types.js'
import { LatencyHistogram } from './histogram.js'
import { createBenchDb } from './pg-bench.js'

const SECRET = 'bench-dual-write-secret-0123456789'
const USERS = 4000
const ROUNDS = 2
// One request at a time: the added latency itself, not the 2-core machine's queueing under load.
const CONCURRENCY = Number(process.env.BENCH_DUAL_WRITE_CONCURRENCY ?? 1)
const WARMUP = 20
/** Requests per side per round: PUTs reuse users, POSTs need a fresh one each. */
const PUTS = Number(process.env.BENCH_DUAL_WRITE_PUTS ?? 300)
const POSTS = Number(process.env.BENCH_DUAL_WRITE_POSTS ?? 120)

type Case = { route: string; method: 'PUT' | 'POST'; path: string; count: number; fresh: 'office' | 'campaign' | null; body: (i: number) => unknown }

const CASES: Case[] = [
  { route: 'PUT /v1/campaigns/mine', method: 'PUT', path: '/v1/campaigns/mine', count: PUTS, fresh: null, body: (i) => ({ details: { positionId: 10_000 + i, office: 'Mayor', state: 'or' } }) },
  { route: 'PUT …/mine/district', method: 'PUT', path: '/v1/campaigns/mine/district', count: PUTS, fresh: null, body: (i) => ({ L2DistrictType: 'City', L2DistrictName: `BENCH CITY ${i % 50}` }) },
  { route: 'POST /v1/elected-office', method: 'POST', path: '/v1/elected-office', count: POSTS, fresh: 'office', body: () => ({ electedDate: '2026-11-03' }) },
  { route: 'POST /v1/campaigns', method: 'POST', path: '/v1/campaigns', count: POSTS, fresh: 'campaign', body: () => ({ details: { positionId: 1 } }) },
]

export async function dualWriteCost(ctx: BenchContext): Promise<Row[]> {
  const db = await createBenchDb('dw')
  const sql = postgres(db.url, { max: 2, onnotice: () => {} })
  let pool: Pool | null = null
  try {
    ctx.progress(`dual-write cost: seeding ${USERS} users and backfilling their organizations`)
    await applyLegacyBaseline(sql)
    await seed(sql, { users: USERS, seed: 4 })
    const needed = ROUNDS * 2 * POSTS + 2 * WARMUP
    await sql`INSERT INTO "user" (email, name) SELECT 'bench-new-' || g || '@example.org', 'New Candidate ' || g FROM generate_series(1, ${needed}) AS g`
    await migrateProxy(sql)
    await runJob(sql, organizationsBackfill, { batchSize: 2000, pauseMs: 0, throttle: false })
    const holders = (await sql<{ id: number }[]>`
      SELECT c.user_id AS id FROM campaign c WHERE NOT EXISTS (SELECT 1 FROM elected_office e WHERE e.user_id = c.user_id AND e."isActive") ORDER BY c.user_id`).map((r) => r.id)
    const campaignless = (await sql<{ id: number }[]>`SELECT u.id FROM "user" u WHERE NOT EXISTS (SELECT 1 FROM campaign c WHERE c.user_id = u.id) ORDER BY u.id`).map((r) => r.id)
    const pools = { office: holders.slice(0, needed), campaign: campaignless.slice(0, needed), reuse: holders.slice(needed) }
    if (pools.office.length < needed || pools.campaign.length < needed) throw new Error('dual-write bench: not enough fresh users')

    const stack = await ctx.spawn(new URL('../children/dual-write-stack.ts', import.meta.url), {
      name: 'proxy + legacy stand-in',
      env: { BENCH_DATABASE_URL: db.url, BENCH_AUTH_SECRET: SECRET },
      readyTimeoutMs: 60_000,
    })
    pool = new Pool(String(stack.info.url), { connections: CONCURRENCY * 2 })
    const rows: Row[] = []
    const cursor = { office: 0, campaign: 0, reuse: 0 }
    const next = (kind: 'office' | 'campaign' | 'reuse') => {
      const list = pools[kind]
      return list[cursor[kind]++ % list.length]!
    }
    for (const c of CASES) {
      const h = { off: new LatencyHistogram(), live: new LatencyHistogram() }
      const failures = { off: 0, live: 0 }
      // Warm both sides so the first measured requests do not pay for JIT and connection set-up.
      for (const stage of ['off', 'live'] as const) {
        await stack.call('stage', stage)
        await runRequests(pool, c, WARMUP, () => next(c.fresh ?? 'reuse'), new LatencyHistogram())
      }
      for (let round = 1; round <= ROUNDS; round++) {
        for (const stage of ['off', 'live'] as const) {
          await stack.call('stage', stage)
          failures[stage] += await runRequests(pool, c, c.count, () => next(c.fresh ?? 'reuse'), h[stage])
        }
      }
      ctx.progress(`${c.route}: p50 off ${h.off.percentile(50)?.toFixed(2)} ms, live ${h.live.percentile(50)?.toFixed(2)} ms`)
      const added = (p: number) => (h.live.percentile(p) ?? NaN) - (h.off.percentile(p) ?? NaN)
      const note = failures.off + failures.live ? { note: `${c.route}: ${failures.off} off / ${failures.live} live answers not 2xx` } : {}
      const row = (metric: string, value: number | null, extra: Partial<Row> = {}): Row => ({ table: `dual-write cost · ${CONCURRENCY === 1 ? 'one request at a time' : `${CONCURRENCY} concurrent clients`}, a different user each`, case: c.route, metric, value, unit: 'ms', ...extra })
      rows.push(
        row('p50 off', h.off.percentile(50)),
        row('p50 live', h.live.percentile(50)),
        row('p50 added', added(50), note),
        row('p99 off', h.off.percentile(99)),
        row('p99 live', h.live.percentile(99)),
        row('p99 added', added(99)),
      )
    }
    await stack.stop()
    // Every live write was followed: nothing left to retry, and no organization drifted from its rows.
    const [state] = await sql<{ outbox: number }[]>`SELECT count(*)::int AS outbox FROM org_proxy.outbox`
    rows.push({ table: 'dual-write cost · afterwards', case: 'organization writes left in the outbox', metric: 'items', value: state!.outbox, unit: '', target: { op: '<=', value: 0 } })
    return rows
  } finally {
    await pool?.close()
    await sql.end()
    await db.drop()
  }
}

/** `count` requests over CONCURRENCY workers; returns how many were not 2xx. */
async function runRequests(pool: Pool, c: Case, count: number, user: () => number, h: LatencyHistogram): Promise<number> {
  let issued = 0
  let failed = 0
  const worker = async () => {
    while (issued < count) {
      const i = issued++
      const token = signJwt({ sub: user(), email: 'bench@example.org' }, SECRET)
      const t = performance.now()
      const res = await pool.request({
        method: c.method,
        path: c.path,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(c.body(i)),
      })
      await res.body.text()
      h.record(performance.now() - t)
      if (res.statusCode < 200 || res.statusCode > 299) failed++
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  return failed
}
