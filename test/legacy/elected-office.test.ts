// The "I won" write and the current office read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uuidv7 } from '../../src/legacy/index.js'
import { answer, legacyFixture, type LegacyFixture } from './fixture.js'

let f: LegacyFixture
const UUID7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

beforeAll(async () => {
  f = await legacyFixture()
})
afterAll(async () => {
  await f.close()
  expect(f.errors).toEqual([])
})

describe('uuidv7', () => {
  it('carries the time in its first 48 bits and the version and variant bits', () => {
    const id = uuidv7(0x0190f5c27d3a)
    expect(id).toMatch(UUID7)
    expect(id.startsWith('0190f5c2-7d3a-7')).toBe(true)
    expect(uuidv7(1) < uuidv7(2)).toBe(true)
  })
})

describe('POST /v1/elected-office', () => {
  it('inserts the office for the caller and their campaign and answers 201 with plain dates', async () => {
    const userId = await f.addUser()
    const c = await f.addCampaign({ userId })
    const { status, body } = await answer(
      await f.call('POST', '/v1/elected-office', {
        token: f.tokenFor(userId),
        body: { electedDate: '2024-11-05', swornInDate: '2025-01-06', termLengthDays: 1461, campaignId: 999, userId: 999 },
      }),
    )
    expect(status).toBe(201)
    expect(Object.keys(body)).toEqual(['id', 'electedDate', 'swornInDate', 'termStartDate', 'termEndDate'])
    expect(body).toMatchObject({ electedDate: '2024-11-05', swornInDate: '2025-01-06', termStartDate: null, termEndDate: null })
    expect(body.id).toMatch(UUID7)
    const [row] = await f.sql`SELECT user_id, campaign_id, "termLengthDays", "isActive" FROM elected_office WHERE id = ${body.id}`
    expect(row).toEqual({ user_id: userId, campaign_id: c.id, termLengthDays: 1461, isActive: true })
  })

  it('answers 409 when an active office exists', async () => {
    const userId = await f.addUser()
    await f.addCampaign({ userId })
    const token = f.tokenFor(userId)
    const both = await Promise.all([1, 2].map(() => f.call('POST', '/v1/elected-office', { token, body: { electedDate: '2024-11-05' } })))
    expect(both.map((r) => r.status).sort()).toEqual([201, 409])
    expect(await answer(await f.call('POST', '/v1/elected-office', { token, body: { electedDate: '2024-11-05' } }))).toEqual({
      status: 409,
      body: { statusCode: 409, message: 'User already has an active elected office', error: 'Conflict' },
    })
  })

  it('answers 403 without a campaign', async () => {
    const userId = await f.addUser()
    expect(await answer(await f.call('POST', '/v1/elected-office', { token: f.tokenFor(userId), body: { electedDate: '2024-11-05' } }))).toEqual({
      status: 403,
      body: { statusCode: 403, message: 'User has no campaign', error: 'Forbidden' },
    })
  })

  it('answers 400 for missing or impossible dates and bad fields', async () => {
    const userId = await f.addUser()
    await f.addCampaign({ userId })
    for (const body of [
      {},
      { electedDate: '2024-2-05' },
      { electedDate: '2023-02-29' },
      { electedDate: '2024-11-05T00:00:00Z' },
      { electedDate: '2024-11-05', termEndDate: 'soon' },
      { electedDate: '2024-11-05', termLengthDays: 1.5 },
      { electedDate: '2024-11-05', isActive: 'yes' },
    ]) {
      const res = await answer(await f.call('POST', '/v1/elected-office', { token: f.tokenFor(userId), body }))
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' })
    }
    const [n] = await f.sql`SELECT count(*)::int AS n FROM elected_office WHERE user_id = ${userId}`
    expect(n!.n).toBe(0)
  })
})

describe('GET /v1/elected-office/current', () => {
  it('answers the active office as a full row with ISO dates', async () => {
    const userId = await f.addUser()
    const c = await f.addCampaign({ userId })
    const created = await answer(
      await f.call('POST', '/v1/elected-office', { token: f.tokenFor(userId), body: { electedDate: '2024-11-05', termEndDate: '2028-12-31' } }),
    )
    const { status, body } = await answer(await f.call('GET', '/v1/elected-office/current', { token: f.tokenFor(userId) }))
    expect(status).toBe(200)
    expect(body).toMatchObject({
      id: created.body.id,
      electedDate: '2024-11-05T00:00:00.000Z',
      swornInDate: null,
      termStartDate: null,
      termEndDate: '2028-12-31T00:00:00.000Z',
      termLengthDays: null,
      isActive: true,
      userId,
      campaignId: c.id,
    })
    expect(Object.keys(body)).toEqual([
      'id', 'electedDate', 'swornInDate', 'termStartDate', 'termEndDate', 'termLengthDays', 'isActive', 'userId', 'campaignId', 'createdAt', 'updatedAt',
    ])
  })

  it('answers 404 when there is no active office (an inactive one does not count)', async () => {
    const userId = await f.addUser()
    await f.addCampaign({ userId })
    await f.call('POST', '/v1/elected-office', { token: f.tokenFor(userId), body: { electedDate: '2020-11-03', isActive: false } })
    expect(await answer(await f.call('GET', '/v1/elected-office/current', { token: f.tokenFor(userId) }))).toEqual({
      status: 404,
      body: { statusCode: 404, message: 'No active elected office', error: 'Not Found' },
    })
  })
})
