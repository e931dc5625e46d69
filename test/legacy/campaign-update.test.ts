// PUT /v1/campaigns/mine (office selection): deep merges, P2V creation, and who may target which
// campaign by slug.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { answer, legacyFixture, type LegacyFixture } from './fixture.js'

let f: LegacyFixture

beforeAll(async () => {
  f = await legacyFixture()
})
afterAll(async () => {
  await f.close()
  expect(f.errors).toEqual([])
})

describe('PUT /v1/campaigns/mine', () => {
  it('deep-merges details, data and pathToVictory, keeping unrelated keys', async () => {
    const userId = await f.addUser()
    const c = await f.addCampaign({
      userId,
      details: { issues: ['roads'], pledged: true, nested: { a: 1, b: { c: 2 } }, office: 'Mayor' },
      data: { currentStep: 'x', keep: 1 },
    })
    await f.addP2v(c.id, { winNumber: 500, electionType: 'City', source: 'ElectionApi' })
    await f.sql`UPDATE campaign SET updated_at = '2020-01-01' WHERE id = ${c.id}`
    const { status, body } = await answer(
      await f.call('PUT', '/v1/campaigns/mine', {
        token: f.tokenFor(userId),
        body: {
          details: { office: 'Other', otherOffice: 'Dog Catcher', nested: { b: { d: 3 } }, issues: ['parks'] },
          data: { currentStep: 'y' },
          pathToVictory: { electionLocation: 'SPRINGFIELD' },
          id: 999,
        },
      }),
    )
    expect(status).toBe(200)
    expect(body.details).toEqual({
      issues: ['parks'], pledged: true, nested: { a: 1, b: { c: 2, d: 3 } }, office: 'Other', otherOffice: 'Dog Catcher',
    })
    expect(body.data).toEqual({ currentStep: 'y', keep: 1 })
    expect(body.pathToVictory.data).toEqual({ winNumber: 500, electionType: 'City', source: 'ElectionApi', electionLocation: 'SPRINGFIELD' })
    expect(body.id).toBe(c.id)
    expect(body.updatedAt > '2020-01-02').toBe(true)
  })

  it('creates the P2V row when missing; null replaces a value', async () => {
    const userId = await f.addUser()
    await f.addCampaign({ userId, details: { state: 'TX', office: 'Mayor' } })
    const { body } = await answer(
      await f.call('PUT', '/v1/campaigns/mine', {
        token: f.tokenFor(userId),
        body: { details: { state: null }, pathToVictory: { winNumber: 42 } },
      }),
    )
    expect(body.details).toEqual({ state: null, office: 'Mayor' })
    expect(body.pathToVictory).toMatchObject({ data: { winNumber: 42 } })
  })

  it('keeps a big number in an untouched column exactly as stored', async () => {
    const userId = await f.addUser()
    const c = await f.addCampaign({ userId })
    await f.sql`UPDATE campaign SET data = '{"big": 12345678901234567890}' WHERE id = ${c.id}`
    await f.call('PUT', '/v1/campaigns/mine', { token: f.tokenFor(userId), body: { details: { a: 1 } } })
    const [row] = await f.sql`SELECT data::text AS data FROM campaign WHERE id = ${c.id}`
    expect(row!.data).toBe('{"big": 12345678901234567890}')
  })

  it('lets admin and sales target another campaign by slug; 404 for an unknown slug', async () => {
    const owner = await f.addUser()
    const target = await f.addCampaign({ userId: owner, slug: 'target-campaign', details: { keep: 1 } })
    for (const role of ['admin', 'sales']) {
      const staff = await f.addUser({ roles: [role] })
      const { status, body } = await answer(
        await f.call('PUT', '/v1/campaigns/mine', { token: f.tokenFor(staff), body: { slug: target.slug, details: { [role]: true } } }),
      )
      expect(status).toBe(200)
      expect(body.id).toBe(target.id)
    }
    const [row] = await f.sql`SELECT details FROM campaign WHERE id = ${target.id}`
    expect(row!.details).toEqual({ keep: 1, admin: true, sales: true })
    const admin = await f.addUser({ roles: ['admin'] })
    const missing = await answer(await f.call('PUT', '/v1/campaigns/mine', { token: f.tokenFor(admin), body: { slug: 'nope' } }))
    expect(missing).toEqual({ status: 404, body: { statusCode: 404, message: 'Campaign not found', error: 'Not Found' } })
  })

  it("refuses another user's slug to others with 403 and writes nothing; their own slug is fine", async () => {
    const owner = await f.addUser()
    const target = await f.addCampaign({ userId: owner, slug: 'not-yours', details: { a: 1 } })
    const other = await f.addUser({ roles: ['candidate', 'campaignManager'] })
    const own = await f.addCampaign({ userId: other, slug: 'mine-own' })
    const FORBIDDEN = { statusCode: 403, message: 'Forbidden resource', error: 'Forbidden' }
    for (const slug of [target.slug, 'does-not-exist']) {
      const res = await answer(await f.call('PUT', '/v1/campaigns/mine', { token: f.tokenFor(other), body: { slug, details: { a: 2 } } }))
      expect(res).toEqual({ status: 403, body: FORBIDDEN })
    }
    const [row] = await f.sql`SELECT details FROM campaign WHERE id = ${target.id}`
    expect(row!.details).toEqual({ a: 1 })
    const mine = await answer(await f.call('PUT', '/v1/campaigns/mine', { token: f.tokenFor(other), body: { slug: own.slug, details: { b: 1 } } }))
    expect(mine.body).toMatchObject({ id: own.id, details: { b: 1 } })
  })

  it('answers 404 without a campaign and 400 for a non-object pathToVictory', async () => {
    const userId = await f.addUser()
    expect((await f.call('PUT', '/v1/campaigns/mine', { token: f.tokenFor(userId), body: {} })).status).toBe(404)
    const bad = await f.call('PUT', '/v1/campaigns/mine', { token: f.tokenFor(userId), body: { pathToVictory: 'x' } })
    expect(bad.status).toBe(400)
  })

  it('applies two concurrent merges one after the other', async () => {
    const userId = await f.addUser()
    await f.addCampaign({ userId })
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        f.call('PUT', '/v1/campaigns/mine', { token: f.tokenFor(userId), body: { details: { [`k${i}`]: i }, pathToVictory: { [`p${i}`]: i } } }),
      ),
    )
    const { body } = await answer(await f.call('GET', '/v1/campaigns/mine', { token: f.tokenFor(userId) }))
    expect(Object.keys(body.details)).toHaveLength(8)
    expect(Object.keys(body.pathToVictory.data)).toHaveLength(8)
  })
})
