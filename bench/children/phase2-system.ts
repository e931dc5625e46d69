// The whole proxy for phase 2's bench, in its own process: startSystem with the demo configuration (the
// legacy stand-in in-process, generated data), its stages from BENCH_FLAGS_DIR, the organizations and
// segments backfilled, and a user with five organizations. Calls: 'tokens' (who to load as),
// 'round-trips' (database statements per request of a route, on each side, counted in-process), and for
// phase 3's bench 'segment' (users whose default organization is a pro win one with a segment: a token
// and that segment's id each) and 'shadow-stats' (a route's stage decisions, comparisons, skips and
// shadow failures from this process's metrics, and its rows in org_proxy.comparison).
import { Writable } from 'node:stream'
import postgres from 'postgres'
import { signJwt } from '../../src/auth/jwt.js'
import { organizationsBackfill } from '../../src/backfill/index.js'
import { loadConfig } from '../../src/config/index.js'
import { runJob } from '../../src/jobs/index.js'
import { createLegacyApp } from '../../src/legacy/index.js'
import { createLogger } from '../../src/ops/logger.js'
import { syncOrganizations } from '../../src/organizations/index.js'
import { routeTable } from '../../src/routes/index.js'
import { createNewApp } from '../../src/system/new-app.js'
import { startSystem } from '../../src/system/index.js'
import { voterFiltersBackfill } from '../../src/voter-filters/index.js'
import { serveParent } from '../lib/child-ipc.js'

const SECRET = 'bench-phase2-secret-0123456789abcdef'
const FIVE = 'bench-five-organizations@example.com'
const silent = () => createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() }))

const config = loadConfig({
  PORT: '0',
  HOST: '127.0.0.1',
  AUTH_SECRET: SECRET,
  ADMIN_TOKEN: 'bench:phase2-admin-token-0123456789',
  FLAGS_DIR: process.env.BENCH_FLAGS_DIR,
  UNLEASH_ENVIRONMENT: 'production',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
  DATABASE_URL: process.env.BENCH_DATABASE_URL,
})
// Per-request logs as production writes them (to /dev/null, stdout ignored), unless told otherwise.
const system = await startSystem(config, { demoUsers: Number(process.env.BENCH_USERS ?? 1000), workers: false, engine: { verifyShare: 0 }, ...(process.env.LOG_LEVEL ? {} : { log: silent() }) })
const sql = system.db.sql
await runJob(sql, organizationsBackfill, { throttle: false, pauseMs: 0, batchSize: 5000 })
await runJob(sql, voterFiltersBackfill, { throttle: false, pauseMs: 0, batchSize: 5000 })

/** A user with a campaign (win) and four offices (serve: one active, three past terms). */
async function fiveOrganizations(): Promise<number> {
  const [existing] = await sql<{ id: number }[]>`SELECT id FROM "user" WHERE email = ${FIVE}`
  if (existing) return existing.id
  return sql.begin(async (tx) => {
    const [u] = await tx<{ id: number }[]>`INSERT INTO "user" (email, name) VALUES (${FIVE}, 'Five Organizations') RETURNING id`
    const [c] = await tx<{ id: number }[]>`
      INSERT INTO campaign (slug, user_id, "isPro", details) VALUES ('bench-five', ${u!.id}, true,
        ${tx.json({ positionId: 4711, state: 'CA', office: 'City Council', ballotLevel: 'CITY' })}) RETURNING id`
    await tx`INSERT INTO path_to_victory (campaign_id, data) VALUES (${c!.id}, ${tx.json({ electionType: 'City_Council', electionLocation: 'SPRINGFIELD CITY COUNCIL DISTRICT 3' })})`
    const offices = await tx<{ id: string }[]>`
      INSERT INTO elected_office (id, "electedDate", "isActive", user_id, campaign_id, created_at)
      SELECT gen_random_uuid(), date '2016-11-08' + n * 730, n = 4, ${u!.id}, ${c!.id}, now() - (5 - n) * interval '1 year'
      FROM generate_series(1, 4) n RETURNING id::text`
    await syncOrganizations(tx, { campaignIds: [c!.id], officeIds: offices.map((o) => o.id) })
    return u!.id
  })
}

const fiveId = await fiveOrganizations()
// Someone whose campaign has a path to victory and an organization with a district: a full answer.
const [mine] = await sql<{ user_id: number }[]>`
  SELECT c.user_id FROM campaign c JOIN organization o ON o.id = c.organization_id JOIN path_to_victory p ON p.campaign_id = c.id
  WHERE o.l2_district_name IS NOT NULL AND o.position_id IS NOT NULL ORDER BY c.id LIMIT 1`

/** Statements sent per request of `path`, on the organization-backed handler and (when gp-api has the route) on the stand-in. */
async function roundTrips(path: string, token: string, withLegacy: boolean, n = 50): Promise<{ new: number; legacy: number | null }> {
  let statements = 0
  const counting = postgres(system.db.url, { max: 1, onnotice: () => {}, debug: () => void statements++ })
  try {
    const newApp = createNewApp(routeTable({ sql: counting, authSecret: SECRET }), silent())
    const legacyApp = createLegacyApp({ sql: counting, authSecret: SECRET })
    const per = async (app: { request: (p: string, init: RequestInit) => Response | Promise<Response> }) => {
      await app.request(path, { headers: { authorization: `Bearer ${token}` } }) // warm: prepared statements
      statements = 0
      for (let i = 0; i < n; i++) {
        const res = await app.request(path, { headers: { authorization: `Bearer ${token}` } })
        if (res.status !== 200) throw new Error(`${path} answered ${res.status}`)
        await res.arrayBuffer()
      }
      return statements / n
    }
    return { new: await per(newApp), legacy: withLegacy ? await per(legacyApp) : null }
  } finally {
    await counting.end({ timeout: 5 })
  }
}

/**
 * Up to `count` users, each with one campaign, pro, whose win organization (their default) holds a
 * segment of that campaign: gp-api and the proxy's handler both find it, so PUT …/filter/:id answers 200.
 */
async function segments(count: number): Promise<{ userId: number; id: number }[]> {
  const rows = await sql<{ user_id: number; id: number }[]>`
    SELECT DISTINCT ON (c.user_id) c.user_id, f.id FROM campaign c
    JOIN organization o ON o.id = c.organization_id AND o.kind = 'win'
    JOIN voter_file_filter f ON f.campaign_id = c.id AND f.organization_id = o.id
    WHERE c."isPro" AND NOT EXISTS (SELECT 1 FROM campaign c2 WHERE c2.user_id = c.user_id AND c2.id <> c.id)
    ORDER BY c.user_id, f.id LIMIT ${count}`
  return rows.map((r) => ({ userId: r.user_id, id: r.id }))
}

/** A counter's values by one label, for the rows whose `route` label is `route`. */
async function byLabel(counter: { get(): Promise<{ values: { labels: Record<string, string | number | undefined>; value: number }[] }> }, label: string, where: Record<string, string>): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const v of (await counter.get()).values) {
    if (!Object.entries(where).every(([k, want]) => v.labels[k] === want)) continue
    const key = String(v.labels[label])
    out[key] = (out[key] ?? 0) + v.value
  }
  return out
}

/** What the engine did with a route's requests in this process, and the shadow rows it has recorded. */
async function shadowStats(route: string) {
  const m = system.metrics
  const [rows] = await sql<{ n: number; max: string | null }[]>`
    SELECT count(*)::int AS n, max(id)::text AS max FROM org_proxy.comparison WHERE route = ${route} AND stage = 'shadow'`
  const byOutcome = await sql<{ outcome: string; skip_cause: string | null; n: number }[]>`
    SELECT outcome, skip_cause, count(*)::int AS n FROM org_proxy.comparison WHERE route = ${route} AND stage = 'shadow' GROUP BY 1, 2`
  return {
    stages: await byLabel(m.stages, 'stage', { route }),
    outcomes: await byLabel(m.comparisons, 'outcome', { route }),
    skipped: await byLabel(m.shadowSkipped, 'cause', { route }),
    shadowFailures: await byLabel(m.secondaryFailures, 'reason', { path: 'shadow' }),
    recordingLost: await byLabel(m.secondaryFailures, 'reason', { path: 'recording' }),
    rows: { total: rows!.n, maxId: rows!.max, byOutcome: byOutcome.map((r) => ({ outcome: r.outcome, cause: r.skip_cause, n: r.n })) },
  }
}

const token = (id: number) => signJwt({ sub: id, email: `u${id}@example.com` }, SECRET)
const parent = serveParent({
  handlers: {
    tokens: () => ({ mine: token(mine!.user_id), five: token(fiveId) }),
    'round-trips': (arg) => {
      const a = arg as { path: string; five?: boolean; legacy?: boolean }
      return roundTrips(a.path, token(a.five ? fiveId : mine!.user_id), a.legacy !== false)
    },
    segment: async (arg) => {
      const all = (await segments((arg as { count?: number } | undefined)?.count ?? 1)).map((s) => ({ token: token(s.userId), id: s.id, userId: s.userId }))
      if (!all.length) throw new Error('no user whose default organization is a pro win organization with a segment')
      return { token: all[0]!.token, id: all[0]!.id, all }
    },
    'shadow-stats': (arg) => shadowStats((arg as { route: string }).route),
  },
  onStop: () => system.stop(),
})
parent.ready({ url: system.url, demo: system.demo, embedded: system.db.embedded })
