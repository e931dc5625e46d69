// The phase 3 writes answered by the proxy, against the real database: each status gp-api answers, the
// plan's access by organization kind, the owner checks, one transaction per write, and the rows they
// leave (an office without campaign_id and with its serve organization; segments by organization).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIELD_COLUMNS, fieldSelectSql } from '../../src/organizations/index.js'
import { PRO_REQUIRED_TYPE } from '../../src/org-context/index.js'
import { addMember, writesBench, type Member, type WritesBench } from './harness.js'

let b: WritesBench
let pro: Member // pro campaign, no office, two segments
let free: Member // not pro, an active office, two segments
let other: Member // someone else: pro, an office, one segment

beforeAll(async () => {
  b = await writesBench()
  pro = await addMember(b.sql, { pro: true, filters: 2 })
  free = await addMember(b.sql, { pro: false, office: true, filters: 2 })
  other = await addMember(b.sql, { pro: true, office: true, filters: 1 })
}, 60_000)
afterAll(() => b?.close())

const OFFICE = '/v1/elected-office'
const CREATE = '/v1/voters/voter-file/filter'
const ONE = (id: number | string) => `/v1/voters/voter-file/filter/${id}`
const orgFields = async (id: string) =>
  (await b.sql`SELECT o.kind, o.owner_id, ${b.sql.unsafe(fieldSelectSql('o'))} FROM organization o WHERE o.id = ${id}::uuid`)[0]
const raw = async (id: number) => (await b.sql<{ row: Record<string, unknown> | null }[]>`SELECT to_jsonb(f) AS row FROM voter_file_filter f WHERE id = ${id}`)[0]?.row ?? null

describe('POST /v1/elected-office', () => {
  it('creates the office without campaign_id, with its own serve organization copied from the win organization (201, gp-api’s answer)', async () => {
    const m = await addMember(b.sql, { pro: false })
    const r = await b.call('new', 'POST', OFFICE, { user: m.userId, body: { electedDate: '2026-11-03', swornInDate: '2026-12-01', termLengthDays: 1460, ignored: 'x' } })
    expect(r.status).toBe(201)
    expect(r.type).toBe('application/json; charset=utf-8')
    expect(r.json).toEqual({ id: expect.any(String), electedDate: '2026-11-03', swornInDate: '2026-12-01', termStartDate: null, termEndDate: null })
    expect(r.json.id[14]).toBe('7') // uuid v7, as gp-api makes them
    const [office] = await b.sql`SELECT to_jsonb(e) AS row, e.organization_id::text AS org FROM elected_office e WHERE e.id = ${r.json.id}::uuid`
    expect(office!.row).toMatchObject({ user_id: m.userId, campaign_id: null, isActive: true, termLengthDays: 1460 })
    const serve = await orgFields(office!.org)
    const win = await orgFields(m.winOrg!)
    expect(serve).toMatchObject({ kind: 'serve', owner_id: m.userId })
    for (const c of FIELD_COLUMNS) expect(serve![c], c).toEqual(win![c])
    expect(win!.position_id).not.toBeNull() // the copy is of real values, not of nulls
    expect(win!.l2_district_name).not.toBeNull()
  })

  it('the new serve organization starts with copies of its campaign\'s segments; gp-api still lists each segment once', async () => {
    const m = await addMember(b.sql, { pro: true, filters: 2 })
    const before = await b.call('legacy', 'GET', '/v1/voters/voter-file/filters', { user: m.userId })
    expect(before.json).toHaveLength(2)
    const r = await b.call('new', 'POST', OFFICE, { user: m.userId, body: { electedDate: '2026-11-03' } })
    expect(r.status).toBe(201)
    const [office] = await b.sql`SELECT organization_id::text AS org FROM elected_office WHERE id = ${r.json.id}::uuid`
    const copies = await b.sql<{ name: string; organization_id: string; campaign_id: number | null }[]>`
      SELECT name, organization_id::text, (to_jsonb(f)->>'campaign_id')::int AS campaign_id FROM voter_file_filter f WHERE organization_id = ${office!.org}::uuid ORDER BY name`
    expect(copies.map((c) => c.name)).toEqual(before.json.map((f: { name: string }) => f.name).sort())
    expect(copies.every((c) => c.campaign_id === null)).toBe(true)
    // gp-api's list by campaign is unchanged: the copies name no campaign.
    expect((await b.call('legacy', 'GET', '/v1/voters/voter-file/filters', { user: m.userId })).json).toEqual(before.json)
  })

  it('409 when the caller already holds an active office; 403 without a campaign; 400 on a bad body, as gp-api', async () => {
    const conflict = await b.call('new', 'POST', OFFICE, { user: free.userId, body: { electedDate: '2026-11-03' } })
    expect(conflict.status).toBe(409)
    expect(conflict.type).toBe('application/problem+json')
    expect(conflict.json).toMatchObject({ statusCode: 409, message: 'User already has an active elected office', error: 'Conflict' })

    const nobody = await addMember(b.sql, { campaign: false })
    const refused = await b.call('new', 'POST', OFFICE, { user: nobody.userId, body: { electedDate: '2026-11-03' } })
    const legacy = await b.call('legacy', 'POST', OFFICE, { user: nobody.userId, body: { electedDate: '2026-11-03' } })
    expect([refused.status, legacy.status]).toEqual([403, 403])
    expect(refused.json).toMatchObject({ statusCode: 403, message: 'User has no campaign', error: 'Forbidden' })

    for (const body of [{}, { electedDate: '2026-02-30' }, { electedDate: '2026-11-03', termLengthDays: -1 }]) {
      const bad = await b.call('new', 'POST', OFFICE, { user: pro.userId, body })
      const gp = await b.call('legacy', 'POST', OFFICE, { user: pro.userId, body })
      expect(bad.status).toBe(400)
      expect(bad.json.message).toEqual(gp.json.message)
    }
    expect(await b.sql`SELECT 1 FROM elected_office WHERE user_id = ${pro.userId}`).toHaveLength(0)
  })

  it('401 without a token; 404 for someone else’s X-Organization-Id; the caller’s own serve organization falls back to their campaign', async () => {
    expect((await b.call('new', 'POST', OFFICE, { user: null, body: { electedDate: '2026-11-03' } })).status).toBe(401)
    const m = await addMember(b.sql, {})
    const foreign = await b.call('new', 'POST', OFFICE, { user: m.userId, org: other.winOrg!, body: { electedDate: '2026-11-03' } })
    expect(foreign.status).toBe(404)
    expect(foreign.json.message).toBe('Organization not found')
    expect(await b.sql`SELECT 1 FROM elected_office WHERE user_id = ${m.userId}`).toHaveLength(0)
    const ok = await b.call('new', 'POST', OFFICE, { user: m.userId, org: m.winOrg!, body: { electedDate: '2026-11-03' } })
    expect(ok.status).toBe(201)
  })

  it('two clicks at once: one office, the other answered 409', async () => {
    const m = await addMember(b.sql, {})
    const replies = await Promise.all([1, 2].map(() => b.call('new', 'POST', OFFICE, { user: m.userId, body: { electedDate: '2026-11-03' } })))
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409])
    const [n] = await b.sql<{ offices: number; orgs: number }[]>`
      SELECT (SELECT count(*)::int FROM elected_office WHERE user_id = ${m.userId}) AS offices,
        (SELECT count(*)::int FROM organization WHERE owner_id = ${m.userId} AND kind = 'serve') AS orgs`
    expect(n).toEqual({ offices: 1, orgs: 1 })
  })

  it('is one transaction: when the office insert fails, the serve organization it made is gone too', async () => {
    const m = await addMember(b.sql, {})
    await b.sql.unsafe(`
      CREATE FUNCTION pg_temp.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$;
      CREATE TRIGGER writes_test_refuse BEFORE INSERT ON elected_office FOR EACH ROW EXECUTE FUNCTION pg_temp.refuse();`)
    try {
      const r = await b.call('new', 'POST', OFFICE, { user: m.userId, body: { electedDate: '2026-11-03' } })
      expect(r.status).toBe(500)
    } finally {
      await b.sql`DROP TRIGGER writes_test_refuse ON elected_office`
    }
    const [n] = await b.sql<{ orgs: number }[]>`SELECT count(*)::int AS orgs FROM organization WHERE owner_id = ${m.userId} AND kind = 'serve'`
    expect(n!.orgs).toBe(0)
  })
})

describe('POST /v1/voters/voter-file/filter', () => {
  it('a pro win organization creates a segment of its own; the compat trigger gives it its campaign', async () => {
    const r = await b.call('new', 'POST', CREATE, { user: pro.userId, body: { name: 'Pro new', partyDemocrat: true, voterCount: 7, languageCodes: ['es'], id: 1, campaignId: other.campaignId } })
    expect(r.status).toBe(201)
    expect(r.json).toMatchObject({ name: 'Pro new', partyDemocrat: true, voterCount: 7, languageCodes: ['es'], campaignId: pro.campaignId, organizationId: pro.winOrg })
    expect(r.json.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(await raw(r.json.id)).toMatchObject({ organization_id: pro.winOrg, campaign_id: pro.campaignId, partyDemocrat: true })
  })

  it('a serve organization creates without party fields, stored as null, whether its campaign is pro or not', async () => {
    const r = await b.call('new', 'POST', CREATE, { user: free.userId, org: free.serveOrg!, body: { name: 'Serve new', partyRepublican: true, audienceSuperVoters: true } })
    expect(r.status).toBe(201)
    expect(r.json).toMatchObject({ name: 'Serve new', audienceSuperVoters: true, organizationId: free.serveOrg, campaignId: null })
    for (const f of ['partyIndependent', 'partyDemocrat', 'partyRepublican', 'partyUnknown']) expect(r.json).not.toHaveProperty(f)
    // Only a win organization has a campaign of its own for the trigger to fill in.
    expect(await raw(r.json.id)).toMatchObject({ organization_id: free.serveOrg, campaign_id: null, partyRepublican: null })
  })

  it('a win organization that is not pro is told to go pro (403), even though its user holds an office', async () => {
    const before = await b.sql`SELECT count(*)::int AS n FROM voter_file_filter`
    const r = await b.call('new', 'POST', CREATE, { user: free.userId, org: free.winOrg!, body: { name: 'Nope' } })
    expect(r.status).toBe(403)
    expect(r.json).toMatchObject({ type: PRO_REQUIRED_TYPE, message: 'Campaign is not pro' })
    expect(await b.sql`SELECT count(*)::int AS n FROM voter_file_filter`).toEqual(before)
  })

  it('400 on a bad body (gp-api’s messages), 401 without a token, 404 for someone else’s organization', async () => {
    for (const body of [{}, { name: '' }, { name: 'x', voterCount: -1 }, { name: 'x', partyDemocrat: 'yes' }]) {
      const r = await b.call('new', 'POST', CREATE, { user: pro.userId, body })
      expect(r.status).toBe(400)
      expect(r.json.message).toEqual((await b.call('legacy', 'POST', CREATE, { user: pro.userId, body })).json.message)
    }
    expect((await b.call('new', 'POST', CREATE, { user: null, body: { name: 'x' } })).status).toBe(401)
    const foreign = await b.call('new', 'POST', CREATE, { user: pro.userId, org: other.serveOrg!, body: { name: 'x' } })
    expect(foreign.status).toBe(404)
    expect(await b.sql`SELECT 1 FROM voter_file_filter WHERE name = 'x'`).toHaveLength(0)
  })
})

describe('PUT /v1/voters/voter-file/filter/:id', () => {
  it('updates one of the organization’s segments (200, the updated segment with its organization)', async () => {
    const id = pro.filterIds[0]!
    const r = await b.call('new', 'PUT', ONE(id), { user: pro.userId, body: { name: 'Renamed', partyDemocrat: false, voterCount: null } })
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ id, name: 'Renamed', partyDemocrat: false, voterCount: null, audienceSuperVoters: true, organizationId: pro.winOrg, campaignId: pro.campaignId })
    expect(r.json.updatedAt > r.json.createdAt).toBe(true)
    expect(await raw(id)).toMatchObject({ name: 'Renamed', partyDemocrat: false, voterCount: null })
  })

  it('a serve organization’s update leaves the party fields as they were and answers without them', async () => {
    const id = free.filterIds[0]! // shared with the office's serve organization (phase 2), partyDemocrat true
    const r = await b.call('new', 'PUT', ONE(id), { user: free.userId, org: free.serveOrg!, body: { name: 'Serve edit', partyDemocrat: false, partyUnknown: true } })
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ id, name: 'Serve edit' })
    expect(r.json).not.toHaveProperty('partyDemocrat')
    expect(await raw(id)).toMatchObject({ name: 'Serve edit', partyDemocrat: true, partyUnknown: null })
  })

  it('404 for someone else’s segment or none, whatever the organization; 400 on a bad id or body; 403 not pro', async () => {
    for (const org of [undefined, pro.winOrg!]) {
      const r = await b.call('new', 'PUT', ONE(other.filterIds[0]!), { user: pro.userId, ...(org ? { org } : {}), body: { name: 'Hijack' } })
      expect(r.status).toBe(404)
      expect(r.json.message).toBe('Voter file filter not found')
    }
    expect((await raw(other.filterIds[0]!))!.name).not.toBe('Hijack')
    expect((await b.call('new', 'PUT', ONE(999999), { user: pro.userId, body: { name: 'x' } })).status).toBe(404)
    expect((await b.call('new', 'PUT', ONE('abc'), { user: pro.userId, body: { name: 'x' } })).status).toBe(400)
    expect((await b.call('new', 'PUT', ONE(pro.filterIds[1]!), { user: pro.userId, body: { name: '' } })).status).toBe(400)
    expect((await b.call('new', 'PUT', ONE(free.filterIds[1]!), { user: free.userId, org: free.winOrg!, body: { name: 'x' } })).status).toBe(403)
    expect((await b.call('new', 'PUT', ONE(pro.filterIds[1]!), { user: null, body: { name: 'x' } })).status).toBe(401)
    expect((await b.call('new', 'PUT', ONE(pro.filterIds[1]!), { user: pro.userId, org: other.winOrg!, body: { name: 'x' } })).status).toBe(404)
  })
})

describe('DELETE /v1/voters/voter-file/filter/:id', () => {
  it('deletes one of the organization’s segments (204, no body); a second delete is 404', async () => {
    const m = await addMember(b.sql, { filters: 1 })
    const r = await b.call('new', 'DELETE', ONE(m.filterIds[0]!), { user: m.userId })
    expect(r.status).toBe(204)
    expect(r.text).toBe('')
    expect(await raw(m.filterIds[0]!)).toBeNull()
    expect((await b.call('new', 'DELETE', ONE(m.filterIds[0]!), { user: m.userId })).status).toBe(404)
  })

  it('never deletes someone else’s segment (404), nor without a token (401)', async () => {
    expect((await b.call('new', 'DELETE', ONE(other.filterIds[0]!), { user: pro.userId })).status).toBe(404)
    expect((await b.call('new', 'DELETE', ONE(other.filterIds[0]!), { user: null })).status).toBe(401)
    expect(await raw(other.filterIds[0]!)).not.toBeNull()
  })
})

describe('inside a transaction it is handed (env.db), as the shadow runs it', () => {
  it('writes through that transaction only, records the keys it wrote, and a refusal leaves the transaction usable', async () => {
    const m = await addMember(b.sql, { filters: 1 })
    const seen: unknown[] = []
    await b.sql
      .begin(async (tx) => {
        const env = { db: tx } as { db: typeof tx; wrote?: unknown }
        const office = await b.call('new', 'POST', OFFICE, { user: m.userId, body: { electedDate: '2026-11-03' }, env })
        expect(office.status).toBe(201)
        seen.push(env.wrote)
        const again = await b.call('new', 'POST', OFFICE, { user: m.userId, body: { electedDate: '2026-11-03' }, env: { db: tx } })
        expect(again.status).toBe(409)
        const env2 = { db: tx } as { db: typeof tx; wrote?: unknown }
        expect((await b.call('new', 'DELETE', ONE(m.filterIds[0]!), { user: m.userId, env: env2 })).status).toBe(204)
        seen.push(env2.wrote)
        expect(await tx`SELECT 1 FROM elected_office WHERE user_id = ${m.userId}`).toHaveLength(1)
        throw new Error('roll back')
      })
      .catch((err: Error) => expect(err.message).toBe('roll back'))
    expect(seen).toEqual([{ officeId: expect.any(String) }, { filterId: m.filterIds[0], as: 'win' }])
    expect(await b.sql`SELECT 1 FROM elected_office WHERE user_id = ${m.userId}`).toHaveLength(0)
    expect(await raw(m.filterIds[0]!)).not.toBeNull()
  })
})
