// The per-key merge of phase 3's move against phase 1's one mapping, on the generator's messy rows and on
// hand-made cases: merging a row's keys over an empty organization is the backfill's mapping of that row;
// merging nothing changes nothing (the inverse mapping round-trips); and a key the row does not hold
// leaves its column alone, which is what a whole-row mapping gets wrong after remove-br-l2.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { heldKeys, mergeHeldKeys, type MergeRows } from '../../src/org-writes/index.js'
import { emptyFields, mapLegacyRows, type OrganizationFields } from '../../src/organizations/index.js'
import { phase1Database, type Phase1Database } from '../organizations/harness.js'

const at = new Date('2026-03-01T10:00:00.000Z')
const later = new Date('2026-03-02T10:00:00.000Z')
const rows = (p2v: Date | null = later): MergeRows => ({ campaign: { id: 1, userId: 7, updatedAt: at }, p2vUpdatedAt: p2v })

const full: OrganizationFields = {
  ...emptyFields(),
  position_id: '42',
  election_id: '7',
  race_id: 'r-9',
  state: 'OR',
  office: 'Other',
  other_office: 'Dog Catcher',
  ballot_level: 'LOCAL',
  election_date: '2026-11-03',
  l2_district_type: 'City',
  l2_district_name: 'SALEM CITY',
  district_id: 'd-1',
  district_manually_set: true,
}

describe('mergeHeldKeys: hand-made cases', () => {
  it('a held key sets its field through the mapping’s cleaning; the others stay', () => {
    const m = mergeHeldKeys(full, heldKeys({ positionId: ' 77 ', pledged: true }, null), rows())
    expect(m.fields).toEqual({ ...full, position_id: '77' })
    expect(m).toMatchObject({ kind: 'win', ownerId: 7 })
  })

  it('a held null (or an unusable value) empties its field; an absent key does not', () => {
    const m = mergeHeldKeys(full, heldKeys({ state: null, ballotLevel: 'Municipal' }, { districtId: '' }), rows())
    expect(m.fields).toEqual({ ...full, state: null, ballot_level: null, district_id: null })
    expect(m.invalid).toEqual(['details.ballotLevel'])
  })

  it('rules over two keys see the organization’s side: a new office drops the old otherOffice, a new otherOffice counts under "Other"', () => {
    expect(mergeHeldKeys(full, heldKeys({ office: 'Mayor' }, null), rows()).fields).toMatchObject({ office: 'Mayor', other_office: null })
    expect(mergeHeldKeys(full, heldKeys({ otherOffice: 'Port Commissioner' }, null), rows()).fields).toMatchObject({ office: 'Other', other_office: 'Port Commissioner' })
  })

  it('no path_to_victory row: the L2 fields stay (no key is held, none is emptied)', () => {
    const m = mergeHeldKeys(full, heldKeys({ positionId: 1 }, undefined), rows(null))
    expect(m.fields).toEqual({ ...full, position_id: '1' })
    expect(m.legacySyncedAt).toEqual(at)
  })

  it('legacy_synced_at is the newest legacy row, as phase 1 sets it; an office mirroring the campaign is a serve organization', () => {
    expect(mergeHeldKeys(full, heldKeys({}, {}), rows()).legacySyncedAt).toEqual(later)
    const office = { id: '0190a8a0-0000-7000-8000-000000000001', userId: 7, campaignId: 1, updatedAt: new Date('2026-04-01T00:00:00.000Z') }
    const m = mergeHeldKeys(full, heldKeys({ raceId: 5 }, null), { ...rows(), office })
    expect(m).toMatchObject({ kind: 'serve', ownerId: 7, legacySyncedAt: office.updatedAt })
    expect(m.fields.race_id).toBe('5')
  })

  it('a row that is not a JSON object holds no keys', () => {
    expect(heldKeys('{"positionId": 1}', [{ electionType: 'City' }])).toEqual({ details: {}, data: {} })
    expect(mergeHeldKeys(full, heldKeys('{"positionId": 1}', null), rows()).fields).toEqual(full)
  })
})

describe('mergeHeldKeys = the mapping, on generated messy rows', () => {
  let db: Phase1Database
  beforeAll(async () => {
    db = await phase1Database({ users: 400, seed: 23, migrate: false })
    // The shapes the generator rarely writes: details double-encoded as a string, P2V data an array.
    const [u] = await db.sql<{ id: number }[]>`INSERT INTO "user" (email, name, roles) VALUES ('odd@example.org', 'Odd', ${['candidate']}) RETURNING id`
    const [c] = await db.sql<{ id: number }[]>`
      INSERT INTO campaign (slug, user_id, details) VALUES ('odd-shapes', ${u!.id}, ${db.sql.json('{"positionId": 1}' as never)}) RETURNING id`
    await db.sql`INSERT INTO path_to_victory (campaign_id, data) VALUES (${c!.id}, ${db.sql.json([{ electionType: 'City' }] as never)})`
  }, 120_000)
  afterAll(() => db?.close())

  it('over an empty organization it maps a row exactly as the backfill does; over its own mapping it changes nothing', async () => {
    const all = await db.sql<{ id: number; user_id: number; details: unknown; has_p2v: boolean; data: unknown }[]>`
      SELECT c.id, c.user_id, c.details, p.campaign_id IS NOT NULL AS has_p2v, p.data
      FROM campaign c LEFT JOIN path_to_victory p ON p.campaign_id = c.id ORDER BY c.id`
    expect(all.length).toBeGreaterThan(200)
    let invalid = 0
    for (const r of all) {
      const mapped = mapLegacyRows({ campaign: { id: r.id, userId: r.user_id, details: r.details, updatedAt: at }, pathToVictory: r.has_p2v ? { data: r.data, updatedAt: at } : null })
      const m = { ...rows(r.has_p2v ? at : null), campaign: { id: r.id, userId: r.user_id, updatedAt: at } }
      // Round trip: whatever the mapping made of a row, merging no keys over it gives it back.
      expect(mergeHeldKeys(mapped.fields, { details: {}, data: {} }, m).fields, `campaign ${r.id}`).toEqual(mapped.fields)
      // Every key it holds, over nothing: the backfill's mapping (a details or data that is not an object
      // holds no keys and maps to empty fields, so those rows agree too).
      if (mapped.outcome === 'invalid-details') invalid++
      expect(mergeHeldKeys(emptyFields(), heldKeys(r.details, r.data), m).fields, `campaign ${r.id}`).toEqual(mapped.fields)
    }
    // The generator's mess includes rows that are not objects: the agreement above covers them.
    expect(invalid).toBeGreaterThan(0)
  })
})
