// The BR+L2 reads from the organization, against the legacy stand-in on the same rows. GET
// /v1/campaigns/mine: on the generated (messy) data set every user's answer compares as match or expected
// under the route's rules, equal answers are the same bytes, a drift of the organization or of the legacy
// rows is named by its field path, and the messy spellings the mapping normalises are checked one by one.
// GET /v1/elected-office/current: through the serve organization, the same row as gp-api's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compare, compileRules, type CompiledRules } from '../../src/compare/index.js'
import { campaignMineRules, currentOfficeRules } from '../../src/reads/index.js'
import { addMember, phase2Bench, type Phase2Bench } from '../org-context/harness.js'

let b: Phase2Bench
let rules: CompiledRules
const USERS = 150

beforeAll(async () => {
  b = await phase2Bench({ users: USERS, seed: 5 })
  rules = compileRules(campaignMineRules())
}, 90_000)
afterAll(() => b?.close())

async function both(user: number, org?: string) {
  const [legacy, fresh] = await Promise.all([b.call('legacy', '/v1/campaigns/mine', { user }), b.call('new', '/v1/campaigns/mine', { user, ...(org ? { org } : {}) })])
  return { legacy, fresh, result: compare({ status: legacy.status, body: legacy.json }, { status: fresh.status, body: fresh.json }, rules) }
}

describe('on the generated data set', () => {
  it('every user compares as match or expected, and equal answers are byte-identical', async () => {
    const outcomes: Record<string, number> = {}
    let identical = 0
    let equalJson = 0
    for (let user = 1; user <= USERS; user++) {
      const { legacy, fresh, result } = await both(user)
      outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1
      if (result.outcome === 'mismatch') throw new Error(`user ${user}: ${JSON.stringify(result.differences.map((d) => d.toJSON()))}`)
      if (JSON.stringify(legacy.json) === JSON.stringify(fresh.json)) {
        equalJson++
        if (legacy.text === fresh.text) identical++
      }
      if (legacy.status === 200) expect(fresh.type).toBe('application/json; charset=utf-8')
    }
    expect(outcomes.match).toBeGreaterThan(USERS * 0.5)
    expect(outcomes.expected ?? 0).toBeGreaterThan(0) // the data set has messy spellings and users without a campaign
    expect(equalJson).toBeGreaterThan(USERS * 0.15)
    expect(identical).toBe(equalJson)
  })

  it('a drifted organization is named by its field paths', async () => {
    const [row] = await b.sql<{ user_id: number; organization_id: string }[]>`
      SELECT c.user_id, c.organization_id::text FROM campaign c JOIN organization o ON o.id = c.organization_id
      JOIN path_to_victory p ON p.campaign_id = c.id
      WHERE o.l2_district_name IS NOT NULL AND o.position_id IS NOT NULL ORDER BY c.id LIMIT 1`
    await b.sql`UPDATE organization SET l2_district_name = 'SOMEWHERE ELSE', position_id = '999999' WHERE id = ${row!.organization_id}`
    const { result } = await both(row!.user_id)
    expect(result.outcome).toBe('mismatch')
    expect(result.differences.filter((d) => !d.expected).map((d) => d.path).sort()).toEqual(['details.positionId', 'pathToVictory.data.electionLocation'])
  })

  it('a P2V row edited behind the proxy’s back is named by its field path', async () => {
    const [row] = await b.sql<{ user_id: number; id: number }[]>`
      SELECT c.user_id, c.id FROM campaign c JOIN organization o ON o.id = c.organization_id
      WHERE o.district_id IS NOT NULL AND o.l2_district_name IS NOT NULL ORDER BY c.id DESC LIMIT 1`
    await b.sql`UPDATE path_to_victory SET data = data || ${b.sql.json({ districtId: 'moved-district', electionType: 'State_House' })} WHERE campaign_id = ${row!.id}`
    const { result } = await both(row!.user_id)
    expect(result.outcome).toBe('mismatch')
    expect(result.differences.filter((d) => !d.expected).map((d) => d.path).sort()).toEqual(['pathToVictory.data.districtId', 'pathToVictory.data.electionType'])
  })
})

describe('messy legacy spellings', () => {
  // One member per case: legacy holds the messy value, the organization the mapping's value.
  const cases: [string, Record<string, unknown>, Record<string, unknown> | null, 'match' | 'expected'][] = [
    ['ids written as strings', { positionId: '4242', electionId: ' 17 ', raceId: 99 }, null, 'match'],
    ['a number in a text field', { officeTermLength: 4, office: 'Mayor' }, { source: 7 }, 'match'],
    ['null values', { positionId: null, state: null, office: 'Mayor' }, { electionType: null, districtId: null }, 'match'],
    ['blank strings', { positionId: '', state: '  ', office: 'Mayor' }, { electionLocation: '', districtId: '\t' }, 'expected'],
    ['a lower-case state and ballot level', { state: 'ca', ballotLevel: 'city', office: 'Mayor' }, null, 'expected'],
    ['"other" in any case, with its free-text office', { office: 'OTHER', otherOffice: 'Dog Catcher' }, null, 'expected'],
    ['a stale otherOffice', { office: 'Mayor', otherOffice: 'Dog Catcher' }, null, 'expected'],
    ['a US date', { electionDate: '11/3/2026', primaryElectionDate: '08/04/2026', office: 'Mayor' }, null, 'expected'],
    ['an ISO date at midnight UTC', { electionDate: '2026-11-03T00:00:00.000Z', office: 'Mayor' }, null, 'match'],
    ['"true" written as a string', { office: 'Mayor' }, { districtManuallySet: 'true', electionType: 'City', electionLocation: 'X CITY' }, 'expected'],
    ['values of a type the rule never accepts', { positionId: true, state: 12, electionDate: 20261103, office: ['Mayor'] }, { districtManuallySet: 1 }, 'expected'],
    ['details double-encoded as a string', '{"state":"CA"}' as unknown as Record<string, unknown>, null, 'match'],
  ]
  for (const [name, details, p2v, outcome] of cases) {
    it(`${name} → ${outcome}`, async () => {
      const m = await addMember(b.sql, { details, p2v: p2v ?? undefined })
      const { result, fresh } = await both(m.userId)
      expect(fresh.status).toBe(200)
      if (result.outcome !== outcome) throw new Error(JSON.stringify(result.differences.map((d) => ({ ...d.toJSON(), legacy: d.legacy, candidate: d.candidate }))))
    })
  }

  it('a normalised value that drifted is still a mismatch (the pairing is exact)', async () => {
    const m = await addMember(b.sql, { details: { state: 'ca', ballotLevel: 'city', office: 'other', otherOffice: 'X', positionId: '12' } })
    await b.sql`UPDATE organization SET state = 'NY', ballot_level = 'COUNTY', office = 'Mayor', position_id = '13' WHERE id = ${m.winOrg}`
    const { result } = await both(m.userId)
    expect(result.outcome).toBe('mismatch')
    const unexpected = result.differences.filter((d) => !d.expected).map((d) => d.path).sort()
    expect(unexpected).toEqual(['details.ballotLevel', 'details.office', 'details.positionId', 'details.state'])
  })

  it('a value the organization lost is a mismatch, not a blank', async () => {
    const m = await addMember(b.sql, {})
    await b.sql`UPDATE organization SET election_date = NULL, l2_district_type = NULL WHERE id = ${m.winOrg}`
    const { result } = await both(m.userId)
    expect(result.differences.filter((d) => !d.expected).map((d) => `${d.path}:${d.kind}`).sort()).toEqual(['details.electionDate:missing', 'pathToVictory.data.electionType:missing'])
  })
})

describe('which organization answers', () => {
  it('a serve organization in the header still answers the caller’s campaign (from its win organization)', async () => {
    const m = await addMember(b.sql, { office: true })
    const { result, fresh } = await both(m.userId, m.serveOrg!)
    expect(fresh.status).toBe(200)
    expect(result.outcome).toBe('match')
  })

  it('someone else’s organization in the header: 404 problem+json, never their campaign', async () => {
    const a = await addMember(b.sql, {})
    const other = await addMember(b.sql, {})
    const r = await b.call('new', '/v1/campaigns/mine', { user: a.userId, org: other.winOrg })
    expect(r.status).toBe(404)
    expect(r.type).toBe('application/problem+json')
    expect(r.text).not.toContain(String(other.campaignId))
  })

  it('no campaign: 404 as gp-api says it, and only the problem members differ', async () => {
    const [u] = await b.sql<{ id: number }[]>`INSERT INTO "user" (email) VALUES (${`nocampaign-${Date.now()}@example.com`}) RETURNING id`
    const { result, fresh } = await both(u!.id)
    expect(fresh.status).toBe(404)
    expect(fresh.json).toMatchObject({ statusCode: 404, message: 'Campaign not found', error: 'Not Found' })
    expect(result.outcome).toBe('expected')
  })

  it('answers without reading the BR and L2 keys of the legacy rows (phase 3 deletes them)', async () => {
    const m = await addMember(b.sql, { office: true })
    const before = await b.call('new', '/v1/campaigns/mine', { user: m.userId })
    await b.sql`UPDATE campaign SET details = details - ${['positionId', 'electionId', 'raceId', 'state', 'office', 'otherOffice', 'ballotLevel', 'officeTermLength', 'electionDate', 'primaryElectionDate', 'partisanType', 'filingPeriodsStart', 'filingPeriodsEnd']}::text[] WHERE id = ${m.campaignId}`
    await b.sql`UPDATE path_to_victory SET data = data - ${['electionType', 'electionLocation', 'districtId', 'districtManuallySet', 'source']}::text[] WHERE campaign_id = ${m.campaignId}`
    const after = await b.call('new', '/v1/campaigns/mine', { user: m.userId })
    expect(after.text).toBe(before.text)
  })
})

describe('GET /v1/elected-office/current', () => {
  const officeRules = () => compileRules(currentOfficeRules())
  async function office(user: number, org?: string) {
    const [legacy, fresh] = await Promise.all([
      b.call('legacy', '/v1/elected-office/current', { user }),
      b.call('new', '/v1/elected-office/current', { user, ...(org ? { org } : {}) }),
    ])
    return { legacy, fresh, result: compare({ status: legacy.status, body: legacy.json }, { status: fresh.status, body: fresh.json }, officeRules()) }
  }

  it('every generated user compares as match (office) or expected (none: the problem members)', async () => {
    const rules = officeRules()
    const seen: Record<string, number> = {}
    for (let user = 1; user <= USERS; user++) {
      const [legacy, fresh] = await Promise.all([b.call('legacy', '/v1/elected-office/current', { user }), b.call('new', '/v1/elected-office/current', { user })])
      const r = compare({ status: legacy.status, body: legacy.json }, { status: fresh.status, body: fresh.json }, rules)
      seen[`${legacy.status}:${r.outcome}`] = (seen[`${legacy.status}:${r.outcome}`] ?? 0) + 1
      if (legacy.status === 200) expect(fresh.text).toBe(legacy.text)
    }
    expect(Object.keys(seen).sort()).toEqual(['200:match', '404:expected'])
  })

  it('the header’s serve organization answers; a win one gives way to the active office’s', async () => {
    const m = await addMember(b.sql, { office: true, pastOffice: true })
    expect((await office(m.userId, m.serveOrg!)).result.outcome).toBe('match')
    const viaWin = await office(m.userId, m.winOrg)
    expect(viaWin.result.outcome).toBe('match')
    expect((viaWin.fresh.json as { id: string }).id).toBe(m.officeId)
  })

  it('a past term named in the header gives way to the office in force, as gp-api answers', async () => {
    const m = await addMember(b.sql, { office: true, pastOffice: true })
    const r = await office(m.userId, m.pastOrg!)
    expect(r.result.outcome).toBe('match')
    expect((r.fresh.json as { id: string }).id).toBe(m.officeId)
  })

  it('only a past term: 404 as gp-api says it', async () => {
    const m = await addMember(b.sql, { pastOffice: true })
    const r = await office(m.userId, m.pastOrg!)
    expect(r.fresh.status).toBe(404)
    expect(r.fresh.json).toMatchObject({ message: 'No active elected office', status: 404 })
    expect(r.result.outcome).toBe('expected')
  })

  it('someone else’s serve organization: 404, never their office', async () => {
    const a = await addMember(b.sql, { office: true })
    const other = await addMember(b.sql, { office: true })
    const r = await b.call('new', '/v1/elected-office/current', { user: a.userId, org: other.serveOrg! })
    expect(r.status).toBe(404)
    expect(r.text).not.toContain(other.officeId!)
  })
})
