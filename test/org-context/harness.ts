// The phase 2 test bench: a fresh database (PostgreSQL at DATABASE_URL, else embedded) with the legacy
// baseline, the proxy's migrations, optionally the generated data set, the organizations and segments
// backfilled; the legacy stand-in and the organization-backed app over it (no port: app.request); and a
// builder for hand-made members (a campaign, its path to victory, offices, segments) with their
// organizations synced through phase 1's one mapping.
import { Writable } from 'node:stream'
import type { Hono } from 'hono'
import type postgres from 'postgres'
import { signJwt } from '../../src/auth/jwt.js'
import { organizationsBackfill } from '../../src/backfill/index.js'
import { runJob } from '../../src/jobs/index.js'
import { createLegacyApp } from '../../src/legacy/index.js'
import { createLogger } from '../../src/ops/logger.js'
import { syncOrganizations } from '../../src/organizations/index.js'
import { routeTable, type RouteEntry } from '../../src/routes/index.js'
import { createNewApp } from '../../src/system/new-app.js'
import { voterFiltersBackfill } from '../../src/voter-filters/index.js'
import { phase1Database, type Phase1Database } from '../organizations/harness.js'

export const SECRET = 'phase2-test-secret-0123456789'
export const silentLog = () => createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() }))

export type Phase2Bench = Phase1Database & {
  routes: RouteEntry[]
  /** The organization-backed handlers, as the engine mounts them. */
  newApp: Hono
  legacyApp: Hono
  token(userId: number, extra?: Record<string, unknown>): string
  /** One request to either side as a user (null: no token). */
  call(app: 'new' | 'legacy', path: string, opts?: { user?: number | null; token?: string; org?: string; headers?: Record<string, string> }): Promise<{ status: number; type: string | null; text: string; json: unknown }>
}

/** @example const b = await phase2Bench({ users: 120 }) */
export async function phase2Bench(opts: { users?: number; seed?: number; backfill?: boolean } = {}): Promise<Phase2Bench> {
  const db = await phase1Database({ users: opts.users, seed: opts.seed })
  if (opts.backfill !== false) await backfillAll(db.sql)
  const routes = routeTable({ sql: db.sql, authSecret: SECRET })
  const newApp = createNewApp(routes, silentLog())
  const legacyApp = createLegacyApp({ sql: db.sql, authSecret: SECRET, onError: (e) => console.error('[legacy]', e) }) as unknown as Hono
  const token = (userId: number, extra: Record<string, unknown> = {}) => signJwt({ sub: userId, email: `u${userId}@example.com`, ...extra }, SECRET)
  return {
    ...db,
    routes,
    newApp,
    legacyApp,
    token,
    async call(app, path, { user, token: t, org, headers = {} } = {}) {
      const h: Record<string, string> = { ...headers }
      const bearer = t ?? (user === null || user === undefined ? undefined : token(user))
      if (bearer) h.authorization = `Bearer ${bearer}`
      if (org !== undefined) h['x-organization-id'] = org
      const res = await (app === 'new' ? newApp : legacyApp).request(path, { headers: h })
      const text = await res.text()
      let json: unknown = undefined
      try {
        json = text ? JSON.parse(text) : undefined
      } catch {
        json = undefined
      }
      return { status: res.status, type: res.headers.get('content-type'), text, json }
    },
  }
}

export async function backfillAll(sql: postgres.Sql): Promise<void> {
  await runJob(sql, organizationsBackfill, { throttle: false, pauseMs: 0, batchSize: 5000 })
  await runJob(sql, voterFiltersBackfill, { throttle: false, pauseMs: 0, batchSize: 5000 })
}

export type Member = {
  userId: number
  campaignId: number
  winOrg: string
  /** The active office's organization (when made with an office). */
  serveOrg: string | null
  officeId: string | null
  /** A past term's organization (when asked for). */
  pastOrg: string | null
  filterIds: number[]
}

let made = 0

/**
 * A user with a campaign (and P2V), optionally an active office and a past one, and segments, their
 * organizations synced and their segments assigned as the backfill would.
 */
export async function addMember(sql: postgres.Sql, m: {
  pro?: boolean
  roles?: string[]
  details?: unknown
  p2v?: unknown | null
  office?: boolean
  pastOffice?: boolean
  filters?: number
} = {}): Promise<Member> {
  const n = ++made
  const email = `member${n}-${process.pid}-${Date.now()}@example.com`
  const [u] = await sql<{ id: number }[]>`INSERT INTO "user" (email, name, roles) VALUES (${email}, ${`Member ${n}`}, ${m.roles ?? ['candidate']}) RETURNING id`
  const userId = u!.id
  const details = m.details ?? { positionId: 1000 + n, electionId: 200, raceId: 5000 + n, state: 'CA', office: 'City Council', ballotLevel: 'CITY', electionDate: '2026-11-03', pledged: true }
  const [c] = await sql<{ id: number }[]>`
    INSERT INTO campaign (slug, user_id, "isPro", details, data)
    VALUES (${`member-${n}-${process.pid}-${Date.now()}`}, ${userId}, ${m.pro ?? true}, ${sql.json(details as never)}, ${sql.json({ launchStatus: 'launched' })})
    RETURNING id`
  const campaignId = c!.id
  const p2v = m.p2v === undefined ? { electionType: 'City_Council', electionLocation: 'SPRINGFIELD CITY COUNCIL DISTRICT 3', districtId: 'd-1', winNumber: 1200, p2vStatus: 'Complete' } : m.p2v
  if (p2v !== null) await sql`INSERT INTO path_to_victory (campaign_id, data) VALUES (${campaignId}, ${sql.json(p2v as never)})`
  const offices: string[] = []
  let officeId: string | null = null
  if (m.pastOffice) {
    const [o] = await sql<{ id: string }[]>`
      INSERT INTO elected_office (id, "electedDate", "isActive", user_id, campaign_id, created_at)
      VALUES (gen_random_uuid(), '2020-11-03', false, ${userId}, ${campaignId}, now() - interval '3 years') RETURNING id::text`
    offices.push(o!.id)
  }
  if (m.office) {
    const [o] = await sql<{ id: string }[]>`
      INSERT INTO elected_office (id, "electedDate", "swornInDate", "isActive", user_id, campaign_id)
      VALUES (gen_random_uuid(), '2024-11-05', '2024-12-10', true, ${userId}, ${campaignId}) RETURNING id::text`
    officeId = o!.id
    offices.push(officeId)
  }
  await syncOrganizations(sql, { campaignIds: [campaignId], officeIds: offices })
  const filterIds: number[] = []
  for (let i = 0; i < (m.filters ?? 0); i++) {
    const [f] = await sql<{ id: number }[]>`
      INSERT INTO voter_file_filter (name, "audienceSuperVoters", "partyDemocrat", "partyRepublican", "languageCodes", "voterCount", campaign_id)
      VALUES (${`Segment ${String.fromCharCode(65 + i)} of ${n}`}, true, ${i % 2 === 0}, false, ${['en']}, ${100 * (i + 1)}, ${campaignId})
      RETURNING id`
    filterIds.push(f!.id)
  }
  await sql`UPDATE voter_file_filter f SET organization_id = c.organization_id FROM campaign c WHERE c.id = f.campaign_id AND f.campaign_id = ${campaignId}`
  const orgs = await sql<{ win: string; serve: string | null; past: string | null }[]>`
    SELECT (SELECT organization_id::text FROM campaign WHERE id = ${campaignId}) AS win,
      (SELECT organization_id::text FROM elected_office WHERE id = ${officeId}::uuid) AS serve,
      (SELECT organization_id::text FROM elected_office WHERE campaign_id = ${campaignId} AND NOT "isActive" LIMIT 1) AS past`
  return { userId, campaignId, winOrg: orgs[0]!.win, serveOrg: orgs[0]!.serve, officeId, pastOrg: orgs[0]!.past, filterIds }
}
