// GET /v1/campaigns/mine and POST /v1/campaigns: the answer's shape, slugs and the one-campaign rule.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { answer, legacyFixture, type LegacyFixture } from './fixture.js'

let f: LegacyFixture
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

beforeAll(async () => {
  f = await legacyFixture()
})
afterAll(async () => {
  await f.close()
  expect(f.errors).toEqual([])
})

describe('GET /v1/campaigns/mine', () => {
  it('answers the row in Prisma shape with pathToVictory', async () => {
    const userId = await f.addUser()
    const campaign = await f.addCampaign({ userId, details: { state: 'CA', issues: ['parks'] }, data: { step: 2 } })
    const p2vId = await f.addP2v(campaign.id, { winNumber: 10, electionType: 'City' })
    const { status, body } = await answer(await f.call('GET', '/v1/campaigns/mine', { token: f.tokenFor(userId) }))
    expect(status).toBe(200)
    expect(Object.keys(body)).toEqual([
      'id', 'slug', 'isActive', 'isPro', 'isDemo', 'didWin', 'tier', 'data', 'details', 'userId', 'createdAt', 'updatedAt', 'pathToVictory',
    ])
    expect(body).toMatchObject({
      id: campaign.id, slug: campaign.slug, isActive: false, isPro: false, isDemo: false, didWin: null, tier: null,
      data: { step: 2 }, details: { state: 'CA', issues: ['parks'] }, userId,
    })
    expect(body.createdAt).toMatch(ISO)
    expect(Object.keys(body.pathToVictory)).toEqual(['id', 'campaignId', 'data', 'createdAt', 'updatedAt'])
    expect(body.pathToVictory).toMatchObject({ id: p2vId, campaignId: campaign.id, data: { winNumber: 10, electionType: 'City' } })
    expect(body.pathToVictory.updatedAt).toMatch(ISO)
  })

  it('renders timestamps as stored UTC wall-clock time', async () => {
    const userId = await f.addUser()
    const { id } = await f.addCampaign({ userId })
    await f.sql`UPDATE campaign SET created_at = '2024-03-05 06:07:08.9' WHERE id = ${id}`
    const { body } = await answer(await f.call('GET', '/v1/campaigns/mine', { token: f.tokenFor(userId) }))
    expect(body.createdAt).toBe('2024-03-05T06:07:08.900Z')
    expect(body.pathToVictory).toBeNull()
  })

  it('answers 404 NestJS-style when the caller has no campaign', async () => {
    const userId = await f.addUser()
    expect(await answer(await f.call('GET', '/v1/campaigns/mine', { token: f.tokenFor(userId) }))).toEqual({
      status: 404,
      body: { statusCode: 404, message: 'Campaign not found', error: 'Not Found' },
    })
  })
})

describe('POST /v1/campaigns', () => {
  it('creates the campaign with a slug from the name, unique, and answers 201', async () => {
    const a = await f.addUser({ name: 'Zoë  Ramírez' })
    const b = await f.addUser({ name: 'Zoe Ramirez' })
    const first = await answer(await f.call('POST', '/v1/campaigns', { token: f.tokenFor(a), body: { details: { zip: '94110' } } }))
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({ slug: 'zoe-ramirez', userId: a, details: { zip: '94110' }, data: {}, isPro: false })
    expect(first.body).not.toHaveProperty('pathToVictory')
    const second = await answer(await f.call('POST', '/v1/campaigns', { token: f.tokenFor(b) }))
    expect(second.body.slug).toBe('zoe-ramirez-2')
  })

  it('falls back to first and last name, then the e-mail', async () => {
    const a = await f.addUser({ name: null, firstName: 'Ann', lastName: 'Lee' })
    const b = await f.addUser({ name: null, email: 'solo.person@example.com' })
    expect((await answer(await f.call('POST', '/v1/campaigns', { token: f.tokenFor(a) }))).body.slug).toBe('ann-lee')
    expect((await answer(await f.call('POST', '/v1/campaigns', { token: f.tokenFor(b) }))).body.slug).toBe('solo-person')
  })

  it('answers 409 when the caller already has one, also for two creates at once', async () => {
    const userId = await f.addUser({ name: 'Twice Over' })
    const both = await Promise.all([1, 2].map(() => f.call('POST', '/v1/campaigns', { token: f.tokenFor(userId) })))
    expect(both.map((r) => r.status).sort()).toEqual([201, 409])
    expect(await answer(await f.call('POST', '/v1/campaigns', { token: f.tokenFor(userId) }))).toEqual({
      status: 409,
      body: { statusCode: 409, message: 'Campaign already exists', error: 'Conflict' },
    })
  })

  it('answers 400 for a non-object details and for bad JSON', async () => {
    const userId = await f.addUser()
    const bad = await answer(await f.call('POST', '/v1/campaigns', { token: f.tokenFor(userId), body: { details: [1] } }))
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ statusCode: 400, error: 'Bad Request' })
    expect(bad.body.message[0]).toMatch(/^details/)
    const broken = await f.call('POST', '/v1/campaigns', { token: f.tokenFor(userId), body: '{"details":' })
    expect(broken.status).toBe(400)
  })
})
