// The product switcher's API on the organization-backed app: a user's organizations (a campaign, an
// active office, past terms) with kinds, names, position and district, the default first and marked as
// the guard picks it; one by id; nobody else's, ever.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { syncOrganizations } from '../../src/organizations/index.js'
import type { OrganizationSummary } from '../../src/switcher/index.js'
import { addMember, phase2Bench, type Member, type Phase2Bench } from '../org-context/harness.js'

let b: Phase2Bench
let five: Member
let other: Member

beforeAll(async () => {
  b = await phase2Bench()
  five = await addMember(b.sql, {
    office: true,
    pastOffice: true,
    details: { positionId: 4711, electionId: 12, raceId: 99, state: 'ca', office: 'Other', otherOffice: 'Water Board', ballotLevel: 'LOCAL' },
  })
  // Two more past terms: five organizations in all.
  const past = await b.sql<{ id: string }[]>`
    INSERT INTO elected_office (id, "electedDate", "isActive", user_id, campaign_id, created_at)
    SELECT gen_random_uuid(), date '2012-11-06' + n * 730, false, ${five.userId}, ${five.campaignId}, now() - (10 - n) * interval '1 year'
    FROM generate_series(1, 2) n RETURNING id::text`
  await syncOrganizations(b.sql, { officeIds: past.map((p) => p.id) })
  other = await addMember(b.sql, { office: true })
}, 60_000)
afterAll(() => b?.close())

const list = async (user: number | null, headers: Record<string, string> = {}) => b.call('new', '/v1/organizations', { user, headers })

describe('GET /v1/organizations', () => {
  it('lists the caller’s five organizations, the default first', async () => {
    const r = await list(five.userId)
    expect(r.status).toBe(200)
    const orgs = r.json as OrganizationSummary[]
    expect(orgs).toHaveLength(5)
    expect(orgs.map((o) => [o.kind, o.displayName, o.active, o.isDefault])).toEqual([
      ['win', 'Campaign for Water Board', true, true],
      ['serve', 'Water Board', true, false],
      ['serve', 'Water Board (past term)', false, false],
      ['serve', 'Water Board (past term)', false, false],
      ['serve', 'Water Board (past term)', false, false],
    ])
    expect(orgs[0]).toEqual({
      id: five.winOrg,
      kind: 'win',
      displayName: 'Campaign for Water Board',
      position: { positionId: '4711', electionId: '12', raceId: '99', name: 'Water Board', state: 'CA', ballotLevel: 'LOCAL' },
      district: { type: 'City_Council', name: 'SPRINGFIELD CITY COUNCIL DISTRICT 3', id: 'd-1' },
      campaignId: five.campaignId,
      electedOfficeId: null,
      active: true,
      isDefault: true,
    })
    expect(orgs[1]).toMatchObject({ id: five.serveOrg, electedOfficeId: five.officeId, campaignId: null })
    expect(new Set(orgs.map((o) => o.id)).size).toBe(5)
  })

  it('never lists anyone else’s, whatever the header or query says', async () => {
    const r = await b.call('new', `/v1/organizations?ownerId=${other.userId}&userId=${other.userId}`, { user: five.userId, org: other.winOrg })
    const ids = (r.json as OrganizationSummary[]).map((o) => o.id)
    expect(ids).not.toContain(other.winOrg)
    expect(ids).not.toContain(other.serveOrg)
    expect(ids).toHaveLength(5)
  })

  it('a user without organizations gets an empty list; no token a 401 problem', async () => {
    const [u] = await b.sql<{ id: number }[]>`INSERT INTO "user" (email) VALUES (${`lonely-${Date.now()}@example.com`}) RETURNING id`
    expect((await list(u!.id)).json).toEqual([])
    const anonymous = await list(null)
    expect(anonymous.status).toBe(401)
    expect(anonymous.type).toBe('application/problem+json')
  })
})

describe('GET /v1/organizations/:id', () => {
  it('answers one of the caller’s, in the list’s shape', async () => {
    const listed = (await list(five.userId)).json as OrganizationSummary[]
    for (const o of listed) {
      const r = await b.call('new', `/v1/organizations/${o.id}`, { user: five.userId })
      expect(r.status).toBe(200)
      expect(r.json).toEqual(o)
    }
  })

  it('someone else’s is 404 (as one that does not exist), a malformed id 400, both problem+json', async () => {
    const foreign = await b.call('new', `/v1/organizations/${other.winOrg}`, { user: five.userId })
    const missing = await b.call('new', '/v1/organizations/0190a000-0000-7000-8000-000000000fff', { user: five.userId })
    expect(foreign.status).toBe(404)
    expect(foreign.json).toEqual(missing.json)
    const bad = await b.call('new', '/v1/organizations/42', { user: five.userId })
    expect(bad.status).toBe(400)
    expect([foreign.type, bad.type]).toEqual(['application/problem+json', 'application/problem+json'])
  })
})
