// The review's test harness: a fresh database (with the demo data when asked), and the whole proxy in
// process over loopback: the legacy stand-in, the engine with the triage rules provider and the noise
// baseline, the recorder writing to org_proxy.comparison, the replayer and the admin app with the page.
// Its own route table has one organization-backed read that really reads the database, so a drift
// planted in a legacy row is a real mismatch (the phase 2 table can be used instead).
import { Writable } from 'node:stream'
import { Hono } from 'hono'
import { request } from 'undici'
import type postgres from 'postgres'
import { mountAdmin } from '../../src/admin/index.js'
import { signJwt, tokenFrom, userIdOf, verifyJwt } from '../../src/auth/jwt.js'
import { applyLegacyBaseline, migrateProxy } from '../../src/db/migrate.js'
import { createEngine, DEFAULT_ENGINE_OPTIONS, type Engine } from '../../src/engine/index.js'
import { createRoutingContext } from '../../src/engine/routing-context.js'
import { findCampaign } from '../../src/legacy/campaign-sql.js'
import { startLegacyServer } from '../../src/legacy/index.js'
import { createLogger } from '../../src/ops/logger.js'
import { createMetrics } from '../../src/ops/metrics.js'
import { canonicalLegacy, createOrganizationDirectory, FIELD_COLUMNS, syncOrganizations, toLegacyDetails, toLegacyP2vData, type OrganizationFields } from '../../src/organizations/index.js'
import { adminGuard } from '../../src/page/index.js'
import { createPassThrough } from '../../src/passthrough/index.js'
import { createRecorder } from '../../src/recording/index.js'
import { createReplayer, createTriageRules, type Replayer, type TriageRulesProvider } from '../../src/review/index.js'
import type { FlagName, RouteEntry, Stage } from '../../src/routes/types.js'
import { seed } from '../../src/seed/index.js'
import { createProxyServer } from '../../src/server/index.js'
import { createNewApp } from '../../src/system/new-app.js'
import { createUpstream } from '../../src/upstream/index.js'
import { freshDatabase, type TestDatabase } from '../helpers/db.js'

export const AUTH_SECRET = 'review-auth-secret-0123456789'
export const ADMIN_SECRET = 'alice-admin-secret-0123456789'
export const ADMIN_TOKEN = `alice:${ADMIN_SECRET},bob:bob-admin-secret-0123456789`
export const admin = { authorization: `Bearer ${ADMIN_SECRET}` }

/** A database with the legacy tables, the proxy's migrations and, with `users`, the demo data and its organizations. */
export async function reviewDatabase(opts: { users?: number } = {}): Promise<TestDatabase> {
  const db = await freshDatabase()
  try {
    await applyLegacyBaseline(db.sql)
    if (opts.users) await seed(db.sql, { users: opts.users, seed: 7 })
    await migrateProxy(db.sql)
    if (opts.users) {
      const ids = await db.sql<{ id: number }[]>`select id from campaign order by id`
      await syncOrganizations(db.sql, { campaignIds: ids.map((r) => r.id) })
    }
    return db
  } catch (err) {
    await db.close()
    throw err
  }
}

/**
 * GET /v1/campaigns/mine from the database, the BR and L2 fields taken from the campaign's
 * organization wherever they disagree with legacy's (cleaned) values: in sync it equals legacy.
 */
export function testRoutes(sql: postgres.Sql): RouteEntry[] {
  return [
    {
      id: 'campaigns.mine', phase: 2, method: 'GET', path: '/v1/campaigns/mine', flag: 'org.reads', kind: 'read',
      summary: 'the campaign, its office and district read from its organization', fallback: true,
      compare: { ignore: ['updatedAt', 'pathToVictory.updatedAt'] },
      handler: async (c) => {
        const token = tokenFrom(c.req.header('authorization'), c.req.header('cookie'))
        const verified = token ? verifyJwt(token, AUTH_SECRET) : null
        const userId = verified?.ok ? userIdOf(verified.claims) : null
        if (userId === null) return c.json({ statusCode: 401, message: 'Unauthorized' }, 401)
        const campaign = await findCampaign(sql, { userId })
        if (!campaign) return c.json({ statusCode: 404, message: 'Campaign not found' }, 404)
        const [row] = await sql<Record<string, unknown>[]>`
          select ${sql(FIELD_COLUMNS)} from organization o join campaign c on c.organization_id = o.id where c.id = ${campaign.id}`
        if (!row) return c.json(campaign)
        // date columns arrive as Dates; the mapping speaks YYYY-MM-DD
        const org = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString().slice(0, 10) : v])) as OrganizationFields
        const p2v = campaign.pathToVictory
        const canon = canonicalLegacy(campaign.details, p2v?.data ?? null)
        return c.json({
          ...campaign,
          details: overlay(campaign.details, canon.details, toLegacyDetails(org)),
          ...(p2v ? { pathToVictory: { ...p2v, data: overlay(p2v.data, canon.data, toLegacyP2vData(org)) } } : {}),
        })
      },
    },
  ]
}

function overlay(raw: unknown, canon: Record<string, unknown>, mine: Record<string, unknown>): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw
  const out: Record<string, unknown> = { ...(raw as Record<string, unknown>) }
  for (const key of new Set([...Object.keys(canon), ...Object.keys(mine)])) {
    if (JSON.stringify(canon[key]) === JSON.stringify(mine[key])) continue
    if (mine[key] === undefined) delete out[key]
    else out[key] = mine[key]
  }
  return out
}

export type Stack = {
  url: string
  sql: postgres.Sql
  engine: Engine
  routes: RouteEntry[]
  triage: TriageRulesProvider
  replayer: Replayer
  stages: Partial<Record<FlagName, Stage>>
  /** GET through the proxy as a user. */
  get(path: string, userId: number, headers?: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; body: string }>
  /** Waits until the recorder wrote what it has. */
  flush(): Promise<void>
  close(): Promise<void>
}

export async function startStack(
  db: TestDatabase,
  opts: { noiseShare?: number; routes?: (sql: postgres.Sql) => RouteEntry[]; stages?: Partial<Record<FlagName, Stage>> } = {},
): Promise<Stack> {
  const sql = db.sql
  const log = createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() }))
  const metrics = createMetrics({ defaultMetrics: false })
  const legacy = await startLegacyServer({ sql, authSecret: AUTH_SECRET, onError: () => {} })
  const up = createUpstream({ url: legacy.url, connections: 16, timeoutMs: 5000 })
  const forward = createPassThrough({ upstream: up, metrics, log })
  const routes = (opts.routes ?? testRoutes)(sql)
  const stages: Partial<Record<FlagName, Stage>> = { ...(opts.stages ?? { 'org.reads': 'shadow' }) }
  const flags = {
    stage: (flag: FlagName) => stages[flag] ?? 'off',
    killSwitch: () => false,
    isEnabled: (flag: FlagName) => (stages[flag] ?? 'off') !== 'off',
    status: () => ({
      errorCount: 0,
      lastError: null,
      version: 'test',
      flags: Object.fromEntries(
        Object.entries(stages).map(([f, s]) => [f, { enabled: s !== 'off', exact: true, split: { off: s === 'off' ? 100 : 0, shadow: s === 'shadow' ? 100 : 0, live: s === 'live' ? 100 : 0 } }]),
      ),
    }),
    refresh: async () => {},
  }
  const recorder = createRecorder({ sql, metrics, log, flushMs: 50 })
  const triage = createTriageRules(sql, { refreshMs: 200 })
  await triage.refresh()
  triage.start()
  const engine = createEngine({
    routes, flags, forward, upstream: up, newApp: createNewApp(routes, log), recorder, metrics, log, sql, triage,
    routing: createRoutingContext({ secret: AUTH_SECRET, directory: createOrganizationDirectory(sql), ttlMs: 0 }),
    options: { ...DEFAULT_ENGINE_OPTIONS, noiseShare: opts.noiseShare ?? 0, redactSecret: 'review-redact-secret-0123456789' },
  })
  const replayer = createReplayer({ sql, engine, routes, authSecret: AUTH_SECRET, pollMs: 200 })
  // The admin sub-app as the system should wire it: the page's guard (bearer or browser session).
  const app = new Hono()
  const adminApp = new Hono()
  adminApp.use('*', adminGuard({ token: ADMIN_TOKEN }))
  mountAdmin(adminApp, { sql, engine, routes, flags, log, replayer, triage })
  app.route('/_proxy', adminApp)
  const server = createProxyServer({ forward, app, log, metrics, claim: engine.claim })
  const addr = await server.listen(0, '127.0.0.1')
  const url = `http://127.0.0.1:${addr.port}`
  return {
    url, sql, engine, routes, triage, replayer, stages,
    async get(path, userId, headers = {}) {
      const r = await request(url + path, { headers: { authorization: `Bearer ${signJwt({ sub: userId }, AUTH_SECRET)}`, ...headers } })
      return { status: r.statusCode, headers: r.headers, body: await r.body.text() }
    },
    async flush() {
      // The comparison is published after the client's answer; give it a moment, then write.
      await new Promise((r) => setTimeout(r, 150))
      await recorder.flush()
    },
    async close() {
      triage.stop()
      await replayer.stop()
      await server.shutdown(100)
      await recorder.close()
      await up.close()
      await legacy.close()
    },
  }
}

/** Users of the demo data who have a campaign with a P2V row that names a district. */
export async function usersWithDistricts(sql: postgres.Sql, n: number): Promise<{ userId: number; campaignId: number; organizationId: string }[]> {
  return sql<{ userId: number; campaignId: number; organizationId: string }[]>`
    select c.user_id as "userId", c.id as "campaignId", c.organization_id as "organizationId"
    from campaign c join path_to_victory p on p.campaign_id = c.id join organization o on o.id = c.organization_id
    where o.l2_district_name is not null and jsonb_typeof(p.data) = 'object'
      and (select count(*) from campaign c2 where c2.user_id = c.user_id) = 1
    order by c.id limit ${n}`
}

/** Edits a P2V row behind the proxy's back (as the P2V worker would): the organization is now stale. */
export async function plantDrift(sql: postgres.Sql, campaignId: number, value = 'Drifted District 9'): Promise<void> {
  await sql`update path_to_victory set data = jsonb_set(data, '{electionLocation}', ${sql.json(value)}), updated_at = (now() at time zone 'UTC') where campaign_id = ${campaignId}`
}

/** What reconcile does for that campaign: the organization follows its legacy rows again. */
export async function repairDrift(sql: postgres.Sql, campaignId: number): Promise<void> {
  await syncOrganizations(sql, { campaignIds: [campaignId] })
}
