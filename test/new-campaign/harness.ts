// The New Campaign test bench: phase 2's bench (fresh database, migrations, the organization-backed app)
// with POST /v1/organizations mounted the way the route table will mount it, and a client for it.
import type { Hono } from 'hono'
import { newCampaignRoute } from '../../src/new-campaign/index.js'
import type { RouteEntry } from '../../src/routes/index.js'
import { createNewApp } from '../../src/system/new-app.js'
import { phase2Bench, SECRET, silentLog, type Phase2Bench } from '../org-context/harness.js'

export type Answer = { status: number; type: string | null; headers: Headers; text: string; json: any }
export type PostOptions = { user?: number | null; key?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> }

export type NewCampaignBench = Phase2Bench & {
  /** The organization-backed app with the new route beside the phase 2 ones (GET /v1/organizations…). */
  app: Hono
  post(opts: PostOptions): Promise<Answer>
  get(path: string, opts: { user: number; org?: string }): Promise<Answer>
  /** The same app, its new route waiting at most `ms` for a concurrent request holding the key. */
  withKeyWait(ms: number): { post(opts: PostOptions): Promise<Answer> }
}

export async function newCampaignBench(): Promise<NewCampaignBench> {
  const b = await phase2Bench()
  const mount = (keyWaitMs?: number) => {
    const entry: RouteEntry = {
      id: 'organizations.create', phase: 3, method: 'POST', path: '/v1/organizations', flag: 'org.new-campaign', kind: 'new',
      summary: 'a user who serves or served starts a new campaign', ...newCampaignRoute({ sql: b.sql, authSecret: SECRET, keyWaitMs }), fallback: false,
    }
    // Once the lead adds the entry to the route table, the table's own is replaced by this same one.
    return createNewApp([...b.routes.filter((r) => !(r.method === 'POST' && r.path === '/v1/organizations')), entry], silentLog())
  }
  const app = mount()
  const poster = (on: Hono) => ({
    post({ user, key, body, rawBody, headers = {} }: PostOptions) {
      const h: Record<string, string> = { 'content-type': 'application/json', ...headers }
      if (user !== null && user !== undefined) h.authorization = `Bearer ${b.token(user)}`
      if (key !== null && key !== undefined) h['idempotency-key'] = key
      return send(on, '/v1/organizations', { method: 'POST', headers: h, body: rawBody ?? JSON.stringify(body ?? {}) })
    },
  })
  return {
    ...b,
    app,
    ...poster(app),
    get(path, { user, org }) {
      const h: Record<string, string> = { authorization: `Bearer ${b.token(user)}` }
      if (org) h['x-organization-id'] = org
      return send(app, path, { headers: h })
    },
    withKeyWait: (ms) => poster(mount(ms)),
  }
}

async function send(app: Hono, path: string, init: RequestInit): Promise<Answer> {
  const res = await app.request(path, init)
  const text = await res.text()
  let json: unknown
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = undefined
  }
  return { status: res.status, type: res.headers.get('content-type'), headers: res.headers, text, json }
}

/** Row counts of everything a creation writes, to show a call created nothing (or exactly one of each). */
export async function counts(b: Phase2Bench, userId: number) {
  const [r] = await b.sql<{ orgs: number; campaigns: number; p2v: number; keys: number }[]>`
    SELECT (SELECT count(*)::int FROM organization WHERE owner_id = ${userId}) AS orgs,
      (SELECT count(*)::int FROM campaign WHERE user_id = ${userId}) AS campaigns,
      (SELECT count(*)::int FROM path_to_victory p JOIN campaign c ON c.id = p.campaign_id WHERE c.user_id = ${userId}) AS p2v,
      (SELECT count(*)::int FROM org_proxy.new_campaign_idempotency WHERE user_id = ${userId}) AS keys`
  return r!
}
