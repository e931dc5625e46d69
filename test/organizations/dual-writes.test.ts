// Phase 1 dual writes end to end: the proxy (engine, route table, flags live) in front of the legacy
// stand-in, one database. Each write must leave the organization equal to the mapping of the legacy
// rows legacy just wrote; refused writes write nothing; a failed organization write is kept in the
// outbox and redone; concurrent writes to one campaign end consistent.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createOrganizationDirectory } from '../../src/organizations/index.js'
import { processOutbox } from '../../src/outbox/index.js'
import { reconcile } from '../../src/reconcile/index.js'
import { addUser, organizationOf, phase1Database, verifyReport, type Phase1Database } from './harness.js'
import { startProxyHarness, type ProxyHarness } from './proxy-harness.js'

let db: Phase1Database
let proxy: ProxyHarness
beforeAll(async () => {
  db = await phase1Database()
  proxy = await startProxyHarness(db)
})
afterAll(async () => {
  await proxy?.close()
  await db?.close()
})
beforeEach(() => {
  proxy.stage.value = 'live'
})

async function userWithCampaign(details: unknown = {}, roles?: string[]): Promise<{ userId: number; campaignId: number; slug: string }> {
  const userId = await addUser(db.sql, roles, `Candidate ${Math.random().toString(36).slice(2, 8)}`)
  const r = await proxy.call(userId, 'POST', '/v1/campaigns', { details })
  expect(r.status).toBe(201)
  return { userId, campaignId: r.json.id, slug: r.json.slug }
}

describe('dual writes (flag org.dual-write live)', () => {
  it('POST /v1/campaigns: the new campaign gets its win organization, the user a default', async () => {
    const { userId, campaignId } = await userWithCampaign({ positionId: 77, state: 'ny' })
    const org = await organizationOf(db.sql, { campaignId })
    expect(org).toMatchObject({ kind: 'win', owner_id: userId, position_id: '77', state: 'NY' })
    const directory = createOrganizationDirectory(db.sql)
    expect(await directory.defaultOrganizationId(userId)).toBe(org!.id)
    expect(await directory.owns(userId, org!.id)).toBe(true)
    expect(await directory.owns(userId + 1000, org!.id)).toBe(false)
  })

  it('PUT /v1/campaigns/mine: the office picker’s BR fields, cleaned by the mapping', async () => {
    const { userId, campaignId } = await userWithCampaign()
    const r = await proxy.call(userId, 'PUT', '/v1/campaigns/mine', {
      details: { office: 'Other', otherOffice: 'Dog Catcher', electionDate: '11/03/2026', ballotLevel: 'local', raceId: '900' },
    })
    expect(r.status).toBe(200)
    const org = await organizationOf(db.sql, { campaignId })
    expect(org).toMatchObject({ office: 'Other', other_office: 'Dog Catcher', election_date: '2026-11-03', ballot_level: 'LOCAL', race_id: '900' })
    const [c] = await db.sql<{ t: Date }[]>`SELECT updated_at AT TIME ZONE 'UTC' AS t FROM campaign WHERE id = ${campaignId}`
    expect(org!.legacy_synced_at.getTime()).toBe(c!.t.getTime())
  })

  it('PUT …/district and …/race-target-details: the L2 fields', async () => {
    const { userId, campaignId } = await userWithCampaign({ office: 'City Council', state: 'OR', electionDate: '2026-11-03' })
    let r = await proxy.call(userId, 'PUT', '/v1/campaigns/mine/race-target-details', {})
    expect(r.status).toBe(200)
    let org = await organizationOf(db.sql, { campaignId })
    const p2v = r.json.pathToVictory.data
    expect(org).toMatchObject({ l2_district_type: p2v.electionType, l2_district_name: p2v.electionLocation, district_id: p2v.districtId, district_manually_set: false })
    r = await proxy.call(userId, 'PUT', '/v1/campaigns/mine/district', { L2DistrictType: 'City', L2DistrictName: 'SALEM CITY' })
    expect(r.status).toBe(200)
    org = await organizationOf(db.sql, { campaignId })
    expect(org).toMatchObject({ l2_district_type: 'City', l2_district_name: 'SALEM CITY', district_manually_set: true })
  })

  it('POST /v1/elected-office: a paired serve organization with the campaign’s BR+L2; legacy still sets campaign_id', async () => {
    const { userId, campaignId } = await userWithCampaign({ positionId: 5, office: 'Mayor' })
    await proxy.call(userId, 'PUT', '/v1/campaigns/mine/district', { L2DistrictType: 'City', L2DistrictName: 'DOVER CITY' })
    const r = await proxy.call(userId, 'POST', '/v1/elected-office', { electedDate: '2026-11-03' })
    expect(r.status).toBe(201)
    const office = await organizationOf(db.sql, { officeId: r.json.id })
    const win = await organizationOf(db.sql, { campaignId })
    expect(office).toMatchObject({ kind: 'serve', owner_id: userId, position_id: '5', office: 'Mayor', l2_district_name: 'DOVER CITY' })
    expect(office!.id).not.toBe(win!.id)
    const [row] = await db.sql<{ campaign_id: number }[]>`SELECT campaign_id FROM elected_office WHERE id = ${r.json.id}`
    expect(row!.campaign_id).toBe(campaignId)
  })

  it('"I won" for a campaign that has no organization yet creates both', async () => {
    const userId = await addUser(db.sql)
    const [c] = await db.sql<{ id: number }[]>`
      INSERT INTO campaign (slug, user_id, details) VALUES (${`pre-${userId}`}, ${userId}, '{"positionId": 11}') RETURNING id`
    const r = await proxy.call(userId, 'POST', '/v1/elected-office', { electedDate: '2025-01-02' })
    expect(r.status).toBe(201)
    expect(await organizationOf(db.sql, { campaignId: c!.id })).toMatchObject({ kind: 'win', position_id: '11' })
    expect(await organizationOf(db.sql, { officeId: r.json.id })).toMatchObject({ kind: 'serve', position_id: '11' })
  })

  it('a slug is honoured for admin and sales only, as legacy honours it', async () => {
    const target = await userWithCampaign()
    const admin = await addUser(db.sql, ['admin'])
    const sales = await addUser(db.sql, ['sales'])
    const other = await userWithCampaign()
    let r = await proxy.call(admin, 'PUT', '/v1/campaigns/mine/district', { slug: target.slug, L2DistrictType: 'County', L2DistrictName: 'MARION COUNTY' })
    expect(r.status).toBe(200)
    expect(await organizationOf(db.sql, { campaignId: target.campaignId })).toMatchObject({ l2_district_name: 'MARION COUNTY' })
    r = await proxy.call(sales, 'PUT', '/v1/campaigns/mine', { slug: target.slug, details: { positionId: '31337' } })
    expect(r.status).toBe(200)
    expect(await organizationOf(db.sql, { campaignId: target.campaignId })).toMatchObject({ position_id: '31337' })
    // A candidate naming someone else's campaign: legacy refuses, and nothing is written anywhere.
    r = await proxy.call(other.userId, 'PUT', '/v1/campaigns/mine/district', { slug: target.slug, L2DistrictType: 'X', L2DistrictName: 'Y' })
    expect(r.status).toBe(403)
    expect(await organizationOf(db.sql, { campaignId: target.campaignId })).toMatchObject({ l2_district_name: 'MARION COUNTY' })
    expect((await organizationOf(db.sql, { campaignId: other.campaignId }))!.l2_district_name).toBeNull()
  })

  it('a refused legacy write (non-2xx) writes no organization', async () => {
    const userId = await addUser(db.sql)
    const r = await proxy.call(userId, 'POST', '/v1/elected-office', { electedDate: '2025-01-02' })
    expect(r.status).toBe(403)
    const [n] = await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM organization WHERE owner_id = ${userId}`
    expect(n!.n).toBe(0)
  })

  it('with the flag off, the proxy passes writes through and writes nothing', async () => {
    const { userId, campaignId } = await userWithCampaign({ positionId: 1 })
    proxy.stage.value = 'off'
    const r = await proxy.call(userId, 'PUT', '/v1/campaigns/mine', { details: { positionId: 2 } })
    expect(r.status).toBe(200)
    expect(r.headers['x-org-proxy-stage']).toBe('off')
    expect(await organizationOf(db.sql, { campaignId })).toMatchObject({ position_id: '1' })
    // The legacy write went past the organization: reconcile is what catches it up.
    const report = await reconcile(db.sql, { throttle: false, pauseMs: 0 })
    expect(report.changedColumns).toEqual({ position_id: 1 })
    expect(await organizationOf(db.sql, { campaignId })).toMatchObject({ position_id: '2' })
  })

  it('a failing organization write: the client gets legacy’s answer, the outbox redoes it, no drift', async () => {
    const { userId, campaignId } = await userWithCampaign({ positionId: 1 })
    await db.sql.unsafe(`
      CREATE FUNCTION org_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'organization table unavailable (test)'; END $$;
      CREATE TRIGGER org_test_refuse BEFORE UPDATE ON organization FOR EACH ROW EXECUTE FUNCTION org_test_refuse();`)
    const before = proxy.enqueued.length
    let r
    try {
      r = await proxy.call(userId, 'PUT', '/v1/campaigns/mine', { details: { positionId: 2, state: 'WA', occupation: 'Nurse' } })
    } finally {
      await db.sql.unsafe('DROP TRIGGER org_test_refuse ON organization; DROP FUNCTION org_test_refuse();')
    }
    expect(r.status).toBe(200)
    expect(r.json.details).toMatchObject({ positionId: 2, state: 'WA' })
    expect(proxy.enqueued.slice(before)).toEqual(['campaigns.mine.update'])
    const [item] = await db.sql<{ payload: Record<string, unknown>; last_error: string }[]>`
      SELECT payload, last_error FROM org_proxy.outbox WHERE route = 'campaigns.mine.update' ORDER BY id DESC LIMIT 1`
    // Ids only: nothing of the request body is kept.
    expect(item!.payload).toEqual({ userId, campaignId })
    expect(item!.last_error).toContain('organization table unavailable')
    expect(await organizationOf(db.sql, { campaignId })).toMatchObject({ position_id: '1', state: null })
    const result = await processOutbox(db.sql, { ignoreSchedule: true })
    expect(result.done).toBeGreaterThanOrEqual(1)
    expect(await organizationOf(db.sql, { campaignId })).toMatchObject({ position_id: '2', state: 'WA' })
    const [left] = await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM org_proxy.outbox`
    expect(left!.n).toBe(0)
    expect((await verifyReport(db.sql)).drifted).toBe(0)
  })

  it('concurrent writes to one campaign end consistent with the last legacy write', async () => {
    const { userId, campaignId } = await userWithCampaign({ office: 'Mayor', state: 'ME' })
    const writes = Array.from({ length: 12 }, (_, i) =>
      i % 3 === 0
        ? proxy.call(userId, 'PUT', '/v1/campaigns/mine', { details: { positionId: 1000 + i } })
        : proxy.call(userId, 'PUT', '/v1/campaigns/mine/district', { L2DistrictType: 'City', L2DistrictName: `DISTRICT ${i}` }),
    )
    const answers = await Promise.all(writes)
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200))
    const [legacy] = await db.sql<{ details: any; data: any }[]>`
      SELECT c.details, p.data FROM campaign c JOIN path_to_victory p ON p.campaign_id = c.id WHERE c.id = ${campaignId}`
    const org = await organizationOf(db.sql, { campaignId })
    expect(org).toMatchObject({ position_id: String(legacy!.details.positionId), l2_district_name: legacy!.data.electionLocation })
    const report = await verifyReport(db.sql)
    expect(report.drifted).toBe(0)
    expect(report.stale).toBe(0)
  })
})
