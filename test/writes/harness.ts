// The phase 3 write bench: a fresh database (PostgreSQL at DATABASE_URL, else embedded) with the legacy
// baseline and the proxy's migrations; the legacy stand-in and an organization-backed app with only the
// write routes mounted, as the engine mounts them (no port: app.request / app.fetch with an env); members
// built by hand (campaign, P2V, offices, segments) with their organizations synced by phase 1's mapping.
import { Writable } from 'node:stream'
import type { Hono } from 'hono'
import type postgres from 'postgres'
import { signJwt } from '../../src/auth/jwt.js'
import { createLegacyApp } from '../../src/legacy/index.js'
import { createLogger } from '../../src/ops/logger.js'
import { syncOrganizations } from '../../src/organizations/index.js'
import type { HttpMethod, RouteEntry, WriteBindings } from '../../src/routes/types.js'
import { createNewApp } from '../../src/system/new-app.js'
import { filterCreateRoute, filterDeleteRoute, filterUpdateRoute, officeCreateRoute } from '../../src/writes/index.js'
import { phase1Database, type Phase1Database } from '../organizations/harness.js'

export const SECRET = 'phase3-writes-test-secret-0123456789'

export type Reply = { status: number; type: string | null; text: string; json: any; body: Buffer }

export type WritesBench = Phase1Database & {
  entries: Record<'office' | 'create' | 'update' | 'delete', RouteEntry>
  newApp: Hono
  legacyApp: Hono
  token(userId: number): string
  /** One request to either side (user null: no token); `env` is what the engine passes to the new app. */
  call(app: 'new' | 'legacy', method: HttpMethod, path: string, opts?: { user?: number | null; org?: string; body?: unknown; env?: WriteBindings }): Promise<Reply>
}

/** The write routes as route table entries, the way the lead adds them. */
export function writeEntries(deps: { sql: postgres.Sql; authSecret: string }): WritesBench['entries'] {
  const base = { phase: 3 as const, flag: 'org.writes' as const, kind: 'write' as const, fallback: false }
  return {
    office: { ...base, id: 'elected-office.create.v3', method: 'POST', path: '/v1/elected-office', summary: 'I won', ...officeCreateRoute(deps) },
    create: { ...base, id: 'voter-filters.create.v3', method: 'POST', path: '/v1/voters/voter-file/filter', summary: 'new segment', ...filterCreateRoute(deps) },
    update: { ...base, id: 'voter-filters.update', method: 'PUT', path: '/v1/voters/voter-file/filter/:id', summary: 'edit segment', ...filterUpdateRoute(deps) },
    delete: { ...base, id: 'voter-filters.delete', method: 'DELETE', path: '/v1/voters/voter-file/filter/:id', summary: 'delete segment', ...filterDeleteRoute(deps) },
  }
}

export async function writesBench(): Promise<WritesBench> {
  const db = await phase1Database()
  const entries = writeEntries({ sql: db.sql, authSecret: SECRET })
  const log = createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() }))
  const newApp = createNewApp(Object.values(entries), log)
  const legacyApp = createLegacyApp({ sql: db.sql, authSecret: SECRET, onError: (e) => console.error('[legacy]', e) }) as unknown as Hono
  const token = (userId: number) => signJwt({ sub: userId, email: `u${userId}@example.com` }, SECRET)
  return {
    ...db,
    entries,
    newApp,
    legacyApp,
    token,
    async call(app, method, path, { user, org, body, env } = {}) {
      const headers: Record<string, string> = {}
      if (user !== null && user !== undefined) headers.authorization = `Bearer ${token(user)}`
      if (org !== undefined) headers['x-organization-id'] = org
      if (body !== undefined) headers['content-type'] = 'application/json'
      const init = { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }
      const res = await (app === 'new' ? newApp.request(path, init, env) : legacyApp.request(path, init))
      const raw = Buffer.from(await res.arrayBuffer())
      const text = raw.toString('utf8')
      let json: unknown = null
      try {
        json = text ? JSON.parse(text) : null
      } catch {
        json = null
      }
      return { status: res.status, type: res.headers.get('content-type'), text, json, body: raw }
    },
  }
}

export type Member = {
  userId: number
  campaignId: number | null
  winOrg: string | null
  serveOrg: string | null
  officeId: string | null
  filterIds: number[]
}

let made = 0

/** A user, optionally with a campaign (and P2V), an active office and segments, synced as phase 1 would. */
export async function addMember(sql: postgres.Sql, m: { campaign?: boolean; pro?: boolean; office?: boolean; filters?: number } = {}): Promise<Member> {
  const n = ++made
  const [u] = await sql<{ id: number }[]>`
    INSERT INTO "user" (email, name, roles) VALUES (${`writer${n}-${process.pid}@example.com`}, ${`Writer ${n}`}, ${['candidate']}) RETURNING id`
  const userId = u!.id
  if (m.campaign === false) return { userId, campaignId: null, winOrg: null, serveOrg: null, officeId: null, filterIds: [] }
  const details = { positionId: 1000 + n, electionId: 200, raceId: 5000 + n, state: 'CA', office: 'City Council', ballotLevel: 'CITY', electionDate: '2026-11-03', partisanType: 'nonpartisan', pledged: true }
  const [c] = await sql<{ id: number }[]>`
    INSERT INTO campaign (slug, user_id, "isPro", details, data)
    VALUES (${`writer-${n}-${process.pid}`}, ${userId}, ${m.pro ?? true}, ${sql.json(details)}, ${sql.json({ launchStatus: 'launched' })})
    RETURNING id`
  const campaignId = c!.id
  await sql`INSERT INTO path_to_victory (campaign_id, data) VALUES (${campaignId}, ${sql.json({ electionType: 'City_Council', electionLocation: `DISTRICT ${n}`, districtId: `d-${n}`, winNumber: 1200 })})`
  let officeId: string | null = null
  if (m.office) {
    const [o] = await sql<{ id: string }[]>`
      INSERT INTO elected_office (id, "electedDate", "isActive", user_id, campaign_id)
      VALUES (gen_random_uuid(), '2024-11-05', true, ${userId}, ${campaignId}) RETURNING id::text`
    officeId = o!.id
  }
  await syncOrganizations(sql, { campaignIds: [campaignId], officeIds: officeId ? [officeId] : [] })
  const filterIds: number[] = []
  for (let i = 0; i < (m.filters ?? 0); i++) {
    const [f] = await sql<{ id: number }[]>`
      INSERT INTO voter_file_filter (name, "audienceSuperVoters", "partyDemocrat", "languageCodes", "voterCount", campaign_id, organization_id)
      SELECT ${`Segment ${i} of ${n}`}, true, ${i % 2 === 0}, ${['en']}, ${100 * (i + 1)}, c.id, c.organization_id FROM campaign c WHERE c.id = ${campaignId}
      RETURNING id`
    filterIds.push(f!.id)
  }
  const [orgs] = await sql<{ win: string; serve: string | null }[]>`
    SELECT (SELECT organization_id::text FROM campaign WHERE id = ${campaignId}) AS win,
      (SELECT organization_id::text FROM elected_office WHERE id = ${officeId}::uuid) AS serve`
  return { userId, campaignId, winOrg: orgs!.win, serveOrg: orgs!.serve, officeId, filterIds }
}
