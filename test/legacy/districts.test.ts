// race-target-details (the deterministic district lookup) and the district picker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lookupRaceTarget } from '../../src/legacy/index.js'
import { answer, legacyFixture, type LegacyFixture } from './fixture.js'

let f: LegacyFixture

beforeAll(async () => {
  f = await legacyFixture()
})
afterAll(async () => {
  await f.close()
  expect(f.errors).toEqual([])
})

describe('lookupRaceTarget', () => {
  it('derives type, location, a stable id and vote goals from the BR details', () => {
    const r = lookupRaceTarget({ state: ' ca ', ballotLevel: 'city', office: 'City  Council' })
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.target).toMatchObject({ electionType: 'City', electionLocation: 'CA CITY COUNCIL', districtManuallySet: false })
    expect(r.target.districtId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(r.target.projectedTurnout).toBeGreaterThanOrEqual(7500)
    expect(r.target.projectedTurnout).toBeLessThanOrEqual(22500)
    expect(r.target.winNumber).toBe(Math.ceil(r.target.projectedTurnout * 0.51))
    expect(r.target.voterContactGoal).toBe(r.target.winNumber * 5)
    expect(lookupRaceTarget({ state: 'CA', ballotLevel: 'CITY', office: 'city council' })).toEqual(r)
  })

  it('reads "Other" offices, state-level seats and messy values', () => {
    const other = lookupRaceTarget({ state: 'NY', office: 'Other', otherOffice: 'Water Board', ballotLevel: '' })
    expect(other.ok && other.target).toMatchObject({ electionType: 'Town_District', electionLocation: 'NY WATER BOARD' })
    const senate = lookupRaceTarget({ state: 'TX', office: 'State Senate District 4', ballotLevel: 'STATE' })
    expect(senate.ok && senate.target.electionType).toBe('State_Senate_District')
    const gov = lookupRaceTarget({ state: 'TX', office: 'Governor', ballotLevel: 'STATE' })
    expect(gov.ok && gov.target).toMatchObject({ electionType: 'State', electionLocation: 'TX' })
    const numeric = lookupRaceTarget({ state: 'WA', office: 12, ballotLevel: 'COUNTY' })
    expect(numeric.ok && numeric.target.electionLocation).toBe('WA 12')
  })

  it('is not ok without an office or a state', () => {
    for (const d of [{}, null, { state: 'CA' }, { state: 'CA', office: 'Other', otherOffice: '' }, { office: '  ' }])
      expect(lookupRaceTarget(d)).toEqual({ ok: false, message: 'Campaign has no office selected' })
    expect(lookupRaceTarget({ office: 'Mayor', state: null })).toEqual({ ok: false, message: 'Campaign has no state selected' })
  })
})

describe('PUT /v1/campaigns/mine/race-target-details', () => {
  it('writes the district and vote goals into P2V data, keeping its other keys', async () => {
    const userId = await f.addUser()
    const c = await f.addCampaign({ userId, details: { state: 'OH', ballotLevel: 'COUNTY', office: 'County Commissioner' } })
    await f.addP2v(c.id, { p2vStatus: 'Complete', districtManuallySet: true })
    const { status, body } = await answer(await f.call('PUT', '/v1/campaigns/mine/race-target-details', { token: f.tokenFor(userId), body: {} }))
    expect(status).toBe(200)
    const expected = lookupRaceTarget({ state: 'OH', ballotLevel: 'COUNTY', office: 'County Commissioner' })
    expect(expected.ok).toBe(true)
    if (expected.ok) expect(body.pathToVictory.data).toEqual({ p2vStatus: 'Complete', ...expected.target })
  })

  it('creates the P2V row, answers 400 without an office and 404 without a campaign', async () => {
    const userId = await f.addUser()
    const none = await answer(await f.call('PUT', '/v1/campaigns/mine/race-target-details', { token: f.tokenFor(userId) }))
    expect(none).toEqual({ status: 404, body: { statusCode: 404, message: 'Campaign not found', error: 'Not Found' } })
    await f.addCampaign({ userId, details: { issues: [] } })
    const noOffice = await answer(await f.call('PUT', '/v1/campaigns/mine/race-target-details', { token: f.tokenFor(userId) }))
    expect(noOffice).toEqual({ status: 400, body: { statusCode: 400, message: 'Campaign has no office selected', error: 'Bad Request' } })
    const [p2v] = await f.sql`SELECT count(*)::int AS n FROM path_to_victory p JOIN campaign c ON c.id = p.campaign_id WHERE c.user_id = ${userId}`
    expect(p2v!.n).toBe(0)
    await f.call('PUT', '/v1/campaigns/mine', { token: f.tokenFor(userId), body: { details: { office: 'Mayor', state: 'NV', ballotLevel: 'CITY' } } })
    const ok = await answer(await f.call('PUT', '/v1/campaigns/mine/race-target-details', { token: f.tokenFor(userId) }))
    expect(ok.body.pathToVictory.data).toMatchObject({ electionType: 'City', electionLocation: 'NV MAYOR' })
  })

  it('admin targets by slug; others get 403', async () => {
    const owner = await f.addUser()
    const c = await f.addCampaign({ userId: owner, slug: 'rtd-target', details: { office: 'Mayor', state: 'NV', ballotLevel: 'CITY' } })
    const candidate = await f.addUser()
    expect((await f.call('PUT', '/v1/campaigns/mine/race-target-details', { token: f.tokenFor(candidate), body: { slug: c.slug } })).status).toBe(403)
    const admin = await f.addUser({ roles: ['admin'] })
    const res = await answer(await f.call('PUT', '/v1/campaigns/mine/race-target-details', { token: f.tokenFor(admin), body: { slug: c.slug } }))
    expect(res.status).toBe(200)
    expect(res.body.id).toBe(c.id)
  })
})

describe('PUT /v1/campaigns/mine/district', () => {
  it('writes type, name and districtManuallySet into P2V data (in-product picker, no slug)', async () => {
    const userId = await f.addUser()
    const c = await f.addCampaign({ userId })
    await f.addP2v(c.id, { winNumber: 7, districtId: 'abc' })
    const { status, body } = await answer(
      await f.call('PUT', '/v1/campaigns/mine/district', {
        token: f.tokenFor(userId),
        body: { L2DistrictType: 'City', L2DistrictName: 'SPRINGFIELD CITY' },
      }),
    )
    expect(status).toBe(200)
    expect(body.pathToVictory.data).toEqual({
      winNumber: 7, districtId: 'abc', electionType: 'City', electionLocation: 'SPRINGFIELD CITY', districtManuallySet: true,
    })
  })

  it('validates both fields as non-empty strings', async () => {
    const userId = await f.addUser()
    await f.addCampaign({ userId })
    for (const body of [{}, { L2DistrictType: 'City' }, { L2DistrictType: ' ', L2DistrictName: 'X' }, { L2DistrictType: 1, L2DistrictName: 'X' }]) {
      const res = await answer(await f.call('PUT', '/v1/campaigns/mine/district', { token: f.tokenFor(userId), body }))
      expect(res.status).toBe(400)
      expect(res.body.error).toBe('Bad Request')
    }
  })

  it('admin UI picker: sales may pass the slug, a candidate may not', async () => {
    const owner = await f.addUser()
    const c = await f.addCampaign({ userId: owner, slug: 'district-target' })
    const body = { slug: c.slug, L2DistrictType: 'County', L2DistrictName: 'KING' }
    const candidate = await f.addUser()
    expect((await f.call('PUT', '/v1/campaigns/mine/district', { token: f.tokenFor(candidate), body })).status).toBe(403)
    const sales = await f.addUser({ roles: ['sales'] })
    const res = await answer(await f.call('PUT', '/v1/campaigns/mine/district', { token: f.tokenFor(sales), body }))
    expect(res.status).toBe(200)
    expect(res.body.pathToVictory.data).toEqual({ electionType: 'County', electionLocation: 'KING', districtManuallySet: true })
  })
})
