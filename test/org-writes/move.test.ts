// Phase 3's key move end to end: the proxy (engine, route table, flags) in front of the legacy stand-in,
// one database, through the plan's order: org.writes in shadow (phase 1 copies), live before the cleanup
// (merge only, reconcile clean), remove-br-l2 (the keys each write leaves are moved out of the rows into
// the archive, every other field of the organization kept), its rollback (latest values back), a failed
// move redone from the outbox, and remove-br-l2-confirm. The moved writes answer with the organization's
// values laid over legacy's answer (byte for byte legacy's while the rows are in sync), and the race lookup
// is given the organization's office back for its one write (prepare).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keysLeft } from '../../src/contract/index.js'
import { FLAG } from '../../src/flags/index.js'
import { moveLegacyKeys, restoreInto } from '../../src/org-writes/index.js'
import { LegacySourceRetiredError, syncOrganizations, toLegacyDetails, toLegacyP2vData } from '../../src/organizations/index.js'
import { reconcile } from '../../src/reconcile/index.js'
import { addUser, verifyReport } from '../organizations/harness.js'
import { moveBench, type Answer, type MoveBench } from './harness.js'

let b: MoveBench
type Member = { userId: number; campaignId: number; slug: string }
let a: Member // office and district picked under phase 1
let served: Member & { officeId: string } // the same, and "I won": a serve organization mirrors the campaign
let lateJoiner: Member // signed up after the removal

const BR = { positionId: 101, electionId: 9, raceId: 77, state: 'or', office: 'City Council', ballotLevel: 'CITY', electionDate: '2026-11-03', partisanType: 'nonpartisan' }
const bare = (o: Record<string, any>) => {
  const { id, owner_id, kind, legacy_synced_at, updated_at, ...fields } = o
  return fields
}
const stats = (id: string) => b.engine.stats()[id]!.stages
const p2vGoals = ['projectedTurnout', 'voterContactGoal', 'winNumber']

/**
 * A moved write's answer shows the campaign as the organization-backed read does: every BR (and, where the
 * route answers its path to victory, L2) key the organization has, the same JSON as GET /v1/campaigns/mine.
 */
async function expectAnswerLikeRead(r: Answer, m: { userId: number; campaignId: number }, withP2v = true) {
  expect(r.status).toBeLessThan(300)
  const read = await b.call(m.userId, 'GET', '/v1/campaigns/mine')
  expect(read.headers['x-org-proxy-served-by']).toBe('new')
  const org = (await b.organization(m.campaignId)) as any
  expect(Object.keys(toLegacyDetails(org)).length).toBeGreaterThan(0)
  expect(r.json.details).toMatchObject(toLegacyDetails(org))
  expect(r.json.details).toEqual(read.json.details)
  if (withP2v) {
    expect(r.json.pathToVictory.data).toMatchObject(toLegacyP2vData(org))
    expect(r.json.pathToVictory.data).toEqual(read.json.pathToVictory.data)
  } else expect(r.json).not.toHaveProperty('pathToVictory')
}
const utc = async (sql: string, id: number) => (await b.sql.unsafe<{ t: Date }[]>(sql, [id]))[0]!.t

beforeAll(async () => {
  b = await moveBench()
  a = await b.member({ ...BR, pledged: true })
  expect((await b.call(a.userId, 'PUT', '/v1/campaigns/mine/district', { L2DistrictType: 'City', L2DistrictName: 'SALEM CITY' })).status).toBe(200)
  const s = await b.member({ ...BR, positionId: 202, raceId: 78 })
  expect((await b.call(s.userId, 'PUT', '/v1/campaigns/mine/race-target-details', {})).status).toBe(200)
  const won = await b.call(s.userId, 'POST', '/v1/elected-office', { electedDate: '2026-11-03' })
  expect(won.status).toBe(201)
  served = { ...s, officeId: won.json.id }
}, 120_000)
afterAll(() => b?.close())

describe('org.writes in shadow', () => {
  it('leaves phase 1’s dual write in charge: the whole row is mapped, the move does not run', async () => {
    b.stages[FLAG.writes] = 'shadow'
    const m = await b.member(BR)
    // A key missing from the row while the organization has it: phase 1 maps the row, so it is emptied.
    await b.sql`UPDATE campaign SET details = details - 'partisanType' WHERE id = ${m.campaignId}`
    const before = { p1: stats('campaigns.mine.update').live, p3: { ...stats('campaigns.mine.update.org') } }
    const r = await b.call(m.userId, 'PUT', '/v1/campaigns/mine', { details: { positionId: 102 } })
    expect(r.status).toBe(200)
    expect(stats('campaigns.mine.update').live).toBe(before.p1 + 1)
    expect(stats('campaigns.mine.update.org')).toEqual(before.p3)
    expect(await b.organization(m.campaignId)).toMatchObject({ position_id: '102', partisan_type: null, state: 'OR' })
    await b.sql`DELETE FROM "user" WHERE id = ${m.userId}`
  })

  it('live, the same write keeps the field the row does not hold (the move merges key by key)', async () => {
    b.stages[FLAG.writes] = 'live'
    const m = await b.member(BR)
    await b.sql`UPDATE campaign SET details = details - 'partisanType' WHERE id = ${m.campaignId}`
    const r = await b.call(m.userId, 'PUT', '/v1/campaigns/mine', { details: { positionId: 102 } })
    expect(r.status).toBe(200)
    expect(stats('campaigns.mine.update.org').live).toBe(1)
    expect(await b.organization(m.campaignId)).toMatchObject({ position_id: '102', partisan_type: 'nonpartisan', state: 'OR' })
    // Made to drift on purpose: gone before the cleanup's verify looks.
    await b.sql`DELETE FROM "user" WHERE id = ${m.userId}`
  })
})

describe('org.writes live, before remove-br-l2', () => {
  it('the merge runs, the keys stay in the rows (phase 1 reconcile still reads them), and reconcile finds nothing to repair', async () => {
    let r = await b.call(a.userId, 'PUT', '/v1/campaigns/mine', { details: { positionId: 111, state: 'wa' } })
    expect(r.status).toBe(200)
    r = await b.call(served.userId, 'PUT', '/v1/campaigns/mine/district', { L2DistrictType: 'County', L2DistrictName: 'LANE COUNTY' })
    expect(r.status).toBe(200)
    expect(await b.organization(a.campaignId)).toMatchObject({ position_id: '111', state: 'WA', office: 'City Council', l2_district_name: 'SALEM CITY' })
    expect((await b.rows(a.campaignId)).details).toMatchObject({ positionId: 111, state: 'wa', office: 'City Council' })
    expect((await b.rows(served.campaignId)).data).toMatchObject({ electionType: 'County', electionLocation: 'LANE COUNTY', districtManuallySet: true })
    // The serve organization mirrors its campaign until elected-office-campaign-id, as phase 1 keeps it.
    const [office] = await b.sql`SELECT o.l2_district_name, o.legacy_synced_at FROM elected_office e JOIN organization o ON o.id = e.organization_id WHERE e.id = ${served.officeId}::uuid`
    expect(office).toMatchObject({ l2_district_name: 'LANE COUNTY' })
    for (const mode of ['quick', 'deep'] as const) {
      const rec = await reconcile(b.sql, { mode, throttle: false, pauseMs: 0 })
      expect(rec, mode).toMatchObject({ created: 0, updated: 0, refreshed: 0, changedColumns: {} })
    }
    expect(await verifyReport(b.sql)).toMatchObject({ drifted: 0, stale: 0 })
  })

  it('rows in sync: each moved write answers byte for byte what legacy answers, and the race lookup is not prepared', async () => {
    // Values already in the mapping's clean form (a lower-case state would come back upper-cased, as the read shows it).
    const clean = { ...BR, state: 'OR' }
    const userId = await addUser(b.sql, undefined, 'Byte Identical')
    const created = await b.call(userId, 'POST', '/v1/campaigns', { details: clean })
    expect(created.status).toBe(201)
    expect(stats('campaigns.create.org').live).toBeGreaterThan(0)
    // Legacy's create answers the row without relations; its GET, the same row with pathToVictory (still null).
    let direct = await b.legacy(userId, 'GET', '/v1/campaigns/mine')
    const { pathToVictory, ...row } = direct.json
    expect(pathToVictory).toBeNull()
    expect(created.raw).toBe(JSON.stringify(row))

    const writes: [string, string, unknown][] = [
      ['PUT', '/v1/campaigns/mine', { details: { positionId: 404, occupation: 'Baker' } }],
      ['PUT', '/v1/campaigns/mine/district', { L2DistrictType: 'City', L2DistrictName: 'SALEM CITY' }],
      ['PUT', '/v1/campaigns/mine/race-target-details', {}],
    ]
    for (const [method, path, body] of writes) {
      const before = await b.rows(created.json.id)
      const r = await b.call(userId, method, path, body)
      expect(r.status, path).toBe(200)
      // The move leaves the rows as legacy wrote them, so legacy's GET reads back exactly what it answered.
      direct = await b.legacy(userId, 'GET', '/v1/campaigns/mine')
      expect(r.raw, path).toBe(direct.raw)
      expect(r.headers['content-length'], path).toBe(String(Buffer.byteLength(direct.raw)))
      if (path.endsWith('race-target-details')) expect((await b.rows(created.json.id)).details).toEqual(before.details)
    }
    expect(await b.sql.begin((tx) => restoreInto(tx, { userId }))).toBe(0)
    expect(await b.organization(created.json.id)).toMatchObject({ position_id: '404', state: 'OR', l2_district_type: 'City', l2_district_name: 'OR CITY COUNCIL' })
  })
})

describe('after remove-br-l2', () => {
  beforeAll(async () => {
    b.stages[FLAG.dualWrite] = 'off'
    expect((await b.contract('remove-br-l2')).outcome).toBe('applied')
    expect(await keysLeft(b.sql)).toEqual({ campaign: 0, path_to_victory: 0 })
  })

  it('an office pick of only positionId: every other BR field kept, the key moved from details into the archive, legacy answers', async () => {
    const before = await b.organization(a.campaignId)
    const r = await b.call(a.userId, 'PUT', '/v1/campaigns/mine', { details: { positionId: 303, occupation: 'Nurse' } })
    expect(r.status).toBe(200)
    expect(r.headers['x-org-proxy-served-by']).toBe('legacy')
    // Legacy's rows now hold only what this write wrote; its answer gets the organization's values laid over it.
    await expectAnswerLikeRead(r, a)
    expect(r.json.details).toMatchObject({ positionId: 303, state: 'WA', office: 'City Council', ballotLevel: 'CITY', occupation: 'Nurse', pledged: true })
    expect(r.json.pathToVictory.data).toMatchObject({ electionType: 'City', electionLocation: 'SALEM CITY', districtManuallySet: true })
    const org = await b.organization(a.campaignId)
    expect(bare(org)).toEqual({ ...bare(before), position_id: '303' })
    expect((await b.rows(a.campaignId)).details).toEqual({ occupation: 'Nurse', pledged: true })
    expect((await b.archive(a.campaignId)).details).toMatchObject({ positionId: 303, state: 'wa', office: 'City Council' })
    // The move leaves legacy's updated_at as legacy wrote it; the organization is synced to it, as phase 1 does.
    const written = await utc(`SELECT updated_at AT TIME ZONE 'UTC' AS t FROM campaign WHERE id = $1`, a.campaignId)
    expect(written.toISOString()).toBe(r.json.updatedAt)
    expect(org.legacy_synced_at.getTime()).toBe(Math.max(written.getTime(), (await utc(`SELECT updated_at AT TIME ZONE 'UTC' AS t FROM path_to_victory WHERE campaign_id = $1`, a.campaignId)).getTime()))
    expect(org.updated_at.getTime()).toBeGreaterThan(before.updated_at.getTime())
  })

  it('GET /v1/campaigns/mine, answered by the proxy’s read, shows the organization’s values', async () => {
    const r = await b.call(a.userId, 'GET', '/v1/campaigns/mine')
    expect(r.status).toBe(200)
    expect(r.headers['x-org-proxy-served-by']).toBe('new')
    expect(r.json.details).toMatchObject({ positionId: 303, state: 'WA', office: 'City Council', ballotLevel: 'CITY', occupation: 'Nurse', pledged: true })
    expect(r.json.pathToVictory.data).toMatchObject({ electionType: 'City', electionLocation: 'SALEM CITY', districtManuallySet: true })
  })

  it('the district picker: the L2 fields of the organization and of the serve organization mirroring it; vote goals stay in P2V', async () => {
    const before = await b.organization(served.campaignId)
    const r = await b.call(served.userId, 'PUT', '/v1/campaigns/mine/district', { L2DistrictType: 'City', L2DistrictName: 'EUGENE CITY' })
    expect(r.status).toBe(200)
    expect(r.json.pathToVictory.data).toMatchObject({ electionType: 'City', electionLocation: 'EUGENE CITY', districtManuallySet: true })
    await expectAnswerLikeRead(r, served)
    expect(r.json.pathToVictory.data).toMatchObject({ districtId: before.district_id })
    expect(r.json.details).toMatchObject({ positionId: 202, office: 'City Council' })
    expect(bare(await b.organization(served.campaignId))).toEqual({ ...bare(before), l2_district_type: 'City', l2_district_name: 'EUGENE CITY', district_manually_set: true })
    const [office] = await b.sql`SELECT o.l2_district_name, o.district_id, o.position_id FROM elected_office e JOIN organization o ON o.id = e.organization_id WHERE e.id = ${served.officeId}::uuid`
    expect(office).toEqual({ l2_district_name: 'EUGENE CITY', district_id: before.district_id, position_id: '202' })
    const rows = await b.rows(served.campaignId)
    expect(Object.keys(rows.data!).sort()).toEqual(['projectedTurnout', 'voterContactGoal', 'winNumber'])
    expect((await b.archive(served.campaignId)).data).toMatchObject({ electionType: 'City', electionLocation: 'EUGENE CITY', districtManuallySet: true, districtId: before.district_id })
  })

  it('an admin’s district pick by slug moves the named campaign’s keys; a candidate’s is refused and moves nothing', async () => {
    const admin = await addUser(b.sql, ['admin'])
    const r = await b.call(admin, 'PUT', '/v1/campaigns/mine/district', { slug: a.slug, L2DistrictType: 'County', L2DistrictName: 'MARION COUNTY' })
    expect(r.status).toBe(200)
    await expectAnswerLikeRead(r, a)
    expect(await b.organization(a.campaignId)).toMatchObject({ l2_district_type: 'County', l2_district_name: 'MARION COUNTY', position_id: '303' })
    expect(await b.rows(a.campaignId)).toMatchObject({ data: {} })
    const refused = await b.call(served.userId, 'PUT', '/v1/campaigns/mine/district', { slug: a.slug, L2DistrictType: 'X', L2DistrictName: 'Y' })
    expect(refused.status).toBe(403)
    expect(await b.organization(a.campaignId)).toMatchObject({ l2_district_name: 'MARION COUNTY' })
  })

  it('race-target-details: the lookup is given the organization’s office, the district found lands on the organization, no key stays in the rows', async () => {
    const before = await b.organization(a.campaignId)
    const updated = (await b.rows(a.campaignId)).updated
    expect((await b.rows(a.campaignId)).details).toEqual({ occupation: 'Nurse', pledged: true })
    const r = await b.call(a.userId, 'PUT', '/v1/campaigns/mine/race-target-details', {})
    expect(r.status).toBe(200)
    await expectAnswerLikeRead(r, a)
    const found = r.json.pathToVictory.data
    expect(found).toMatchObject({ electionType: 'City', electionLocation: 'WA CITY COUNCIL', districtManuallySet: false })
    expect(bare(await b.organization(a.campaignId))).toEqual({
      ...bare(before),
      l2_district_type: 'City',
      l2_district_name: 'WA CITY COUNCIL',
      district_id: found.districtId,
      district_manually_set: false,
    })
    const rows = await b.rows(a.campaignId)
    expect(rows.details).toEqual({ occupation: 'Nurse', pledged: true })
    // The keys were put back and taken out without touching the campaign's updated_at.
    expect(rows.updated).toBe(updated)
    expect(Object.keys(rows.data!).sort()).toEqual(p2vGoals)
    expect(await keysLeft(b.sql)).toEqual({ campaign: 0, path_to_victory: 0 })
    const org = (await b.organization(a.campaignId)) as any
    // The archive holds the latest values: the organization's, put back for the lookup and taken out again.
    expect(await b.archive(a.campaignId)).toEqual({ details: toLegacyDetails(org), data: toLegacyP2vData(org) })
    expect((await b.archive(a.campaignId)).data).toMatchObject({ districtId: found.districtId, electionLocation: 'WA CITY COUNCIL', districtManuallySet: false })
  })

  it('race-target-details by slug: an admin’s lookup is prepared on the named campaign; a candidate’s is refused and nothing is put back', async () => {
    const admin = await addUser(b.sql, ['admin'])
    const refused = await b.call(a.userId, 'PUT', '/v1/campaigns/mine/race-target-details', { slug: served.slug })
    expect(refused.status).toBe(403)
    expect((await b.rows(served.campaignId)).details).toEqual({})
    expect((await b.rows(a.campaignId)).details).toEqual({ occupation: 'Nurse', pledged: true })
    const r = await b.call(admin, 'PUT', '/v1/campaigns/mine/race-target-details', { slug: served.slug })
    expect(r.status).toBe(200)
    await expectAnswerLikeRead(r, served)
    expect(await b.organization(served.campaignId)).toMatchObject({ position_id: '202', l2_district_type: 'City', l2_district_name: 'OR CITY COUNCIL', district_manually_set: false })
    expect((await b.rows(served.campaignId)).details).toEqual({})
    expect(await keysLeft(b.sql)).toEqual({ campaign: 0, path_to_victory: 0 })
  })

  it('a prepare that fails is counted and legacy is asked anyway: its 400, as without the proxy, and nothing moved', async () => {
    const before = { org: await b.organization(a.campaignId), rows: await b.rows(a.campaignId) }
    await b.sql.unsafe(`
      CREATE FUNCTION org_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'campaign unavailable (test)'; END $$;
      CREATE TRIGGER org_test_refuse BEFORE UPDATE ON campaign FOR EACH ROW WHEN (OLD.id = ${a.campaignId}) EXECUTE FUNCTION org_test_refuse();`)
    let r
    try {
      r = await b.call(a.userId, 'PUT', '/v1/campaigns/mine/race-target-details', {})
    } finally {
      await b.sql.unsafe('DROP TRIGGER org_test_refuse ON campaign; DROP FUNCTION org_test_refuse();')
    }
    expect(r).toMatchObject({ status: 400, json: { message: 'Campaign has no office selected' } })
    expect(await b.organization(a.campaignId)).toEqual(before.org)
    expect(await b.rows(a.campaignId)).toEqual(before.rows)
  })

  it('a lookup legacy still refuses after the prepare (a position but no office): the keys put back come out again', async () => {
    const userId = await addUser(b.sql, undefined, 'Position Only')
    const [c] = await b.sql<{ id: number }[]>`
      WITH o AS (INSERT INTO organization (owner_id, kind, position_id) VALUES (${userId}, 'win', '777') RETURNING id)
      INSERT INTO campaign (slug, user_id, details, organization_id) SELECT ${`position-only-${userId}`}, ${userId}, '{"pledged": true}', o.id FROM o RETURNING id`
    const before = await b.organization(c!.id)
    const r = await b.call(userId, 'PUT', '/v1/campaigns/mine/race-target-details', {})
    expect(r).toMatchObject({ status: 400, json: { message: 'Campaign has no office selected' } })
    expect((await b.rows(c!.id)).details).toEqual({ pledged: true })
    expect(await keysLeft(b.sql)).toEqual({ campaign: 0, path_to_victory: 0 })
    expect(bare(await b.organization(c!.id))).toEqual(bare(before))
  })

  it('a campaign created with office fields: they land on its organization, not in its details', async () => {
    const userId = await addUser(b.sql, undefined, 'Late Joiner')
    const created = await b.call(userId, 'POST', '/v1/campaigns', { details: { positionId: '5005', state: 'ny', ballotLevel: 'state', occupation: 'Teacher' } })
    expect(created.status).toBe(201)
    lateJoiner = { userId, campaignId: created.json.id, slug: created.json.slug }
    // Legacy's create answers no relations: only details get the organization's values.
    await expectAnswerLikeRead(created, lateJoiner, false)
    expect(created.json.details).toEqual({ positionId: 5005, state: 'NY', ballotLevel: 'STATE', occupation: 'Teacher' })
    expect(await b.organization(lateJoiner.campaignId)).toMatchObject({ position_id: '5005', state: 'NY', ballot_level: 'STATE', l2_district_type: null })
    expect((await b.rows(lateJoiner.campaignId)).details).toEqual({ occupation: 'Teacher' })
    expect((await b.archive(lateJoiner.campaignId)).details).toEqual({ positionId: '5005', state: 'ny', ballotLevel: 'state' })
  })

  it('org.writes back in shadow: legacy alone writes, phase 1’s sync still refuses (its item held); the next live move carries the keys left', async () => {
    b.stages[FLAG.writes] = 'shadow'
    const before = await b.organization(lateJoiner.campaignId)
    const queued = b.enqueued.length
    // Dual writes are off by now: nothing follows the legacy write.
    let r = await b.call(lateJoiner.userId, 'PUT', '/v1/campaigns/mine', { details: { raceId: 616 } })
    expect(r.status).toBe(200)
    expect(r.headers['x-org-proxy-stage']).toBe('off')
    // And were they switched back on, phase 1's copy refuses to map the emptied rows: its item waits, held.
    b.stages[FLAG.dualWrite] = 'live'
    r = await b.call(lateJoiner.userId, 'PUT', '/v1/campaigns/mine', { details: { electionId: 515 } })
    b.stages[FLAG.dualWrite] = 'off'
    expect(r.status).toBe(200)
    expect(b.enqueued.slice(queued)).toEqual(['campaigns.mine.update'])
    expect(await b.organization(lateJoiner.campaignId)).toEqual(before)
    expect((await b.rows(lateJoiner.campaignId)).details).toEqual({ occupation: 'Teacher', raceId: 616, electionId: 515 })
    await expect(syncOrganizations(b.sql, { campaignIds: [lateJoiner.campaignId] })).rejects.toBeInstanceOf(LegacySourceRetiredError)
    expect(await b.drain()).toMatchObject({ done: 0, held: 1 })

    b.stages[FLAG.writes] = 'live'
    await b.call(lateJoiner.userId, 'PUT', '/v1/campaigns/mine/district', { L2DistrictType: 'State', L2DistrictName: 'NY' })
    expect(await b.organization(lateJoiner.campaignId)).toMatchObject({ race_id: '616', election_id: '515', position_id: '5005', l2_district_name: 'NY' })
    expect(await keysLeft(b.sql)).toEqual({ campaign: 0, path_to_victory: 0 })
  })

  it('remove-br-l2 --rollback puts the latest values back into the legacy rows; they then map to the organizations exactly', async () => {
    const org = await b.organization(a.campaignId)
    expect((await b.contract('remove-br-l2', 'rollback')).outcome).toBe('applied')
    const rows = await b.rows(a.campaignId)
    expect(rows.details).toMatchObject({ positionId: 303, state: 'WA', office: 'City Council', occupation: 'Nurse', pledged: true })
    expect(rows.data).toMatchObject({ districtId: org.district_id, electionLocation: 'WA CITY COUNCIL', districtManuallySet: false, winNumber: expect.any(Number) })
    expect((await b.rows(lateJoiner.campaignId)).details).toMatchObject({ positionId: '5005', raceId: 616 })
    // Phase 1 works again: its held item is redone, and nothing anywhere drifts from its rows.
    expect(await b.drain()).toMatchObject({ done: 1 })
    expect(await verifyReport(b.sql)).toMatchObject({ drifted: 0, stale: 0 })
    expect(await reconcile(b.sql, { mode: 'deep', throttle: false, pauseMs: 0 })).toMatchObject({ updated: 0, created: 0, refreshed: 0 })
    expect((await b.contract('remove-br-l2')).outcome).toBe('applied')
  })

  it('a failed move goes to the outbox with ids only; its redo ends where a move that did not fail ends', async () => {
    const twin = { positionId: 7007, state: 'tx', office: 'Mayor', ballotLevel: 'CITY' }
    const ok = await b.member(twin)
    const failing = await b.member(twin)
    const { id: orgId } = await b.organization(failing.campaignId)
    await b.sql.unsafe(`
      CREATE FUNCTION org_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'organization unavailable (test)'; END $$;
      CREATE TRIGGER org_test_refuse BEFORE UPDATE ON organization FOR EACH ROW WHEN (OLD.id = '${orgId}'::uuid) EXECUTE FUNCTION org_test_refuse();`)
    const queued = b.enqueued.length
    let r
    try {
      r = await b.call(failing.userId, 'PUT', '/v1/campaigns/mine', { details: { positionId: 8008, occupation: 'Vet' } })
    } finally {
      await b.sql.unsafe('DROP TRIGGER org_test_refuse ON organization; DROP FUNCTION org_test_refuse();')
    }
    expect(r.status).toBe(200)
    expect(r.json.details).toMatchObject({ positionId: 8008 })
    expect(b.enqueued.slice(queued)).toEqual(['campaigns.mine.update.org'])
    const [item] = await b.sql`SELECT payload FROM org_proxy.outbox WHERE route = 'campaigns.mine.update.org'`
    expect(item!.payload).toEqual({ userId: failing.userId, campaignId: failing.campaignId })
    // Nothing of the move committed: the key waits in the row.
    expect((await b.rows(failing.campaignId)).details).toMatchObject({ positionId: 8008 })
    expect(await b.organization(failing.campaignId)).toMatchObject({ position_id: '7007' })

    await b.call(ok.userId, 'PUT', '/v1/campaigns/mine', { details: { positionId: 8008, occupation: 'Vet' } })
    expect(await b.drain()).toMatchObject({ done: 1, held: 0 })
    expect(bare(await b.organization(failing.campaignId))).toEqual(bare(await b.organization(ok.campaignId)))
    expect(await b.organization(failing.campaignId)).toMatchObject({ position_id: '8008', state: 'TX', office: 'Mayor' })
    expect((await b.rows(failing.campaignId)).details).toEqual((await b.rows(ok.campaignId)).details)
    expect((await b.archive(failing.campaignId)).details).toEqual((await b.archive(ok.campaignId)).details)
    // A second redo finds no key left and changes nothing.
    const again = await b.sql.begin((tx) => moveLegacyKeys(tx, { userId: failing.userId, campaignId: failing.campaignId }))
    expect(again.note).toBeUndefined()
  })

  it('remove-br-l2-confirm succeeds after the moves; a move after it still empties the rows but keeps no archive', async () => {
    const r = await b.contract('remove-br-l2-confirm')
    expect(r.report.join('\n')).not.toContain('MISMATCH')
    expect(r.outcome).toBe('applied')
    expect(await b.call(a.userId, 'PUT', '/v1/campaigns/mine', { details: { positionId: 909 } })).toMatchObject({ status: 200 })
    expect(await b.organization(a.campaignId)).toMatchObject({ position_id: '909', state: 'WA', l2_district_name: 'WA CITY COUNCIL' })
    expect(await keysLeft(b.sql)).toEqual({ campaign: 0, path_to_victory: 0 })
    const [n] = await b.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM org_proxy.legacy_archive WHERE table_name IN ('campaign', 'path_to_victory')`
    expect(n!.n).toBe(0)
  })
})

describe('after elected-office-campaign-id', () => {
  it('offices name no campaign any more: the move leaves serve organizations alone and never reads the dropped column', async () => {
    // What the step leaves behind, made directly (its own preconditions are test/cleanup's): the marker, then the column gone.
    await b.sql`INSERT INTO org_proxy.legacy_cleanup (step) VALUES ('elected-office-campaign-id')`
    await b.sql.unsafe('ALTER TABLE elected_office DROP COLUMN campaign_id CASCADE')
    const [before] = await b.sql`SELECT o.l2_district_name FROM elected_office e JOIN organization o ON o.id = e.organization_id WHERE e.id = ${served.officeId}::uuid`
    const r = await b.call(served.userId, 'PUT', '/v1/campaigns/mine/district', { L2DistrictType: 'City', L2DistrictName: 'BEND CITY' })
    expect(r.status).toBe(200)
    expect(await b.organization(served.campaignId)).toMatchObject({ l2_district_name: 'BEND CITY', position_id: '202' })
    const [after] = await b.sql`SELECT o.l2_district_name FROM elected_office e JOIN organization o ON o.id = e.organization_id WHERE e.id = ${served.officeId}::uuid`
    expect(after).toEqual(before)
    expect(await keysLeft(b.sql)).toEqual({ campaign: 0, path_to_victory: 0 })
  })
})
