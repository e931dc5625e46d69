// Voter file filters (segments): the pro rule, ordering, partial updates, ParseIntPipe and ownership.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FILTER_ARRAY_FIELDS, FILTER_BOOLEAN_FIELDS } from '../../src/domain/index.js'
import { answer, legacyFixture, type LegacyFixture } from './fixture.js'

let f: LegacyFixture
const BASE = '/v1/voters/voter-file'
const NOT_FOUND = { statusCode: 404, message: 'Voter file filter not found', error: 'Not Found' }

beforeAll(async () => {
  f = await legacyFixture()
})
afterAll(async () => {
  await f.close()
  expect(f.errors).toEqual([])
})

async function proUser() {
  const userId = await f.addUser()
  const campaign = await f.addCampaign({ userId, isPro: true })
  return { userId, campaign, token: f.tokenFor(userId) }
}

describe('POST /v1/voters/voter-file/filter', () => {
  it('creates a filter for a pro campaign and answers 201 with the whole row', async () => {
    const { campaign, token } = await proUser()
    const { status, body } = await answer(
      await f.call('POST', `${BASE}/filter`, {
        token,
        body: { name: 'Seniors', age50Plus: true, partyDemocrat: false, languageCodes: ['en', 'es'], voterCount: 1234, campaignId: 1, id: 5, bogus: 1 },
      }),
    )
    expect(status).toBe(201)
    expect(Object.keys(body)).toEqual(['id', 'name', ...FILTER_BOOLEAN_FIELDS, ...FILTER_ARRAY_FIELDS, 'voterCount', 'campaignId', 'createdAt', 'updatedAt'])
    expect(body).toMatchObject({
      name: 'Seniors', age50Plus: true, partyDemocrat: false, partyRepublican: null, languageCodes: ['en', 'es'],
      voterStatus: null, voterCount: 1234, campaignId: campaign.id,
    })
    expect(body).not.toHaveProperty('bogus')
    expect(body.id).not.toBe(5)
  })

  it('answers 400 "Campaign is not pro" unless pro or the user holds an active office', async () => {
    const userId = await f.addUser()
    const c = await f.addCampaign({ userId, isPro: false })
    const token = f.tokenFor(userId)
    expect(await answer(await f.call('POST', `${BASE}/filter`, { token, body: { name: 'A' } }))).toEqual({
      status: 400,
      body: { statusCode: 400, message: 'Campaign is not pro' },
    })
    await f.sql`INSERT INTO elected_office (id, user_id, campaign_id) VALUES (gen_random_uuid(), ${userId}, ${c.id})`
    expect((await f.call('POST', `${BASE}/filter`, { token, body: { name: 'A' } })).status).toBe(201)
  })

  it('validates the body (name required, field types)', async () => {
    const { token } = await proUser()
    for (const body of [{}, { name: '' }, { name: 'x', age50Plus: 'yes' }, { name: 'x', voterStatus: 'Active' }, { name: 'x', voterCount: -1 }]) {
      const res = await answer(await f.call('POST', `${BASE}/filter`, { token, body }))
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body.error).toBe('Bad Request')
    }
  })

  it('answers 404 without a campaign', async () => {
    const userId = await f.addUser()
    expect((await f.call('POST', `${BASE}/filter`, { token: f.tokenFor(userId), body: { name: 'A' } })).status).toBe(404)
  })
})

describe('GET /v1/voters/voter-file/filters', () => {
  it("lists only the caller's filters, by name then id", async () => {
    const { token } = await proUser()
    const other = await proUser()
    for (const name of ['b', 'a', 'c', 'a']) await f.call('POST', `${BASE}/filter`, { token, body: { name } })
    await f.call('POST', `${BASE}/filter`, { token: other.token, body: { name: 'aa' } })
    const { status, body } = await answer(await f.call('GET', `${BASE}/filters`, { token }))
    expect(status).toBe(200)
    expect(body.map((r: { name: string }) => r.name)).toEqual(['a', 'a', 'b', 'c'])
    expect(body[0].id).toBeLessThan(body[1].id)
  })

  it('answers an empty list for a campaign without filters and 404 without a campaign', async () => {
    const { token } = await proUser()
    expect(await answer(await f.call('GET', `${BASE}/filters`, { token }))).toEqual({ status: 200, body: [] })
    const userId = await f.addUser()
    expect((await f.call('GET', `${BASE}/filters`, { token: f.tokenFor(userId) })).status).toBe(404)
  })
})

describe('/v1/voters/voter-file/filter/:id', () => {
  it('reads, partially updates and deletes one filter', async () => {
    const { token } = await proUser()
    const created = (await answer(await f.call('POST', `${BASE}/filter`, { token, body: { name: 'One', hasEmail: true, incomeRanges: ['1-2'] } }))).body
    await f.sql`UPDATE voter_file_filter SET updated_at = '2020-01-01' WHERE id = ${created.id}`
    expect(await answer(await f.call('GET', `${BASE}/filter/${created.id}`, { token }))).toMatchObject({ status: 200, body: { id: created.id, name: 'One' } })

    const updated = await answer(
      await f.call('PUT', `${BASE}/filter/${created.id}`, { token, body: { hasEmail: null, hasLandline: true, voterStatus: [], campaignId: 1 } }),
    )
    expect(updated.status).toBe(200)
    expect(updated.body).toMatchObject({ name: 'One', hasEmail: null, hasLandline: true, incomeRanges: ['1-2'], voterStatus: [], campaignId: created.campaignId })
    expect(updated.body.updatedAt > '2020-01-02').toBe(true)
    const single = await answer(await f.call('PUT', `${BASE}/filter/${created.id}`, { token, body: { name: 'Renamed' } }))
    expect(single.body.name).toBe('Renamed')
    expect((await answer(await f.call('PUT', `${BASE}/filter/${created.id}`, { token, body: {} }))).status).toBe(200)

    const del = await f.call('DELETE', `${BASE}/filter/${created.id}`, { token })
    expect(del.status).toBe(204)
    expect(await del.text()).toBe('')
    expect(await answer(await f.call('GET', `${BASE}/filter/${created.id}`, { token }))).toEqual({ status: 404, body: NOT_FOUND })
    expect((await f.call('DELETE', `${BASE}/filter/${created.id}`, { token })).status).toBe(404)
  })

  it("answers 404 for another user's filter on GET, PUT and DELETE, and leaves it alone", async () => {
    const mine = await proUser()
    const theirs = await proUser()
    const filter = (await answer(await f.call('POST', `${BASE}/filter`, { token: theirs.token, body: { name: 'Theirs' } }))).body
    for (const [method, body] of [['GET'], ['PUT', { name: 'Stolen' }], ['DELETE']] as const) {
      const res = await answer(await f.call(method, `${BASE}/filter/${filter.id}`, { token: mine.token, body }))
      expect(res, method).toEqual({ status: 404, body: NOT_FOUND })
    }
    const [row] = await f.sql`SELECT name FROM voter_file_filter WHERE id = ${filter.id}`
    expect(row!.name).toBe('Theirs')
  })

  it('answers ParseIntPipe 400 for a non-numeric id and 404 for numbers no row can have', async () => {
    const { token } = await proUser()
    const PIPE = { statusCode: 400, message: 'Validation failed (numeric string is expected)', error: 'Bad Request' }
    for (const id of ['abc', '1.5', '1e3', '0x10'])
      expect(await answer(await f.call('GET', `${BASE}/filter/${id}`, { token }))).toEqual({ status: 400, body: PIPE })
    expect(await answer(await f.call('DELETE', `${BASE}/filter/x`, { token }))).toEqual({ status: 400, body: PIPE })
    for (const id of ['-1', '0', '99999999999'])
      expect((await f.call('GET', `${BASE}/filter/${id}`, { token })).status).toBe(404)
  })

  it('checks the token before the id', async () => {
    expect((await f.call('GET', `${BASE}/filter/abc`)).status).toBe(401)
  })
})
