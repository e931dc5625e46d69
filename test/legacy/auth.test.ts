// The stand-in's guard, unknown routes and the health check: NestJS's answers, byte for byte in shape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signJwt } from '../../src/auth/jwt.js'
import { answer, legacyFixture, SECRET, type LegacyFixture } from './fixture.js'

let f: LegacyFixture
let userId: number

beforeAll(async () => {
  f = await legacyFixture()
  userId = await f.addUser()
  await f.addCampaign({ userId })
})
afterAll(async () => {
  await f.close()
  expect(f.errors).toEqual([])
})

const UNAUTHORIZED = { statusCode: 401, message: 'Unauthorized' }

describe('legacy auth', () => {
  it('answers 401 without a token', async () => {
    const res = await f.call('GET', '/v1/campaigns/mine')
    expect(await answer(res)).toEqual({ status: 401, body: UNAUTHORIZED })
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
  })

  it('answers 401 for a forged, unsigned, expired or malformed token', async () => {
    const forged = signJwt({ sub: userId }, 'another-secret-0123456789')
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: userId })).toString('base64url')}.`
    const expired = signJwt({ sub: userId }, SECRET, Math.floor(Date.now() / 1000) - 400 * 24 * 3600)
    for (const token of [forged, none, expired, 'not-a-jwt']) {
      expect(await answer(await f.call('GET', '/v1/campaigns/mine', { token }))).toEqual({ status: 401, body: UNAUTHORIZED })
    }
  })

  it('answers 401 when the token names no user', async () => {
    for (const sub of [999_999, 99_999_999_999, 'abc'])
      expect((await f.call('GET', '/v1/campaigns/mine', { token: signJwt({ sub }, SECRET) })).status).toBe(401)
  })

  it('accepts the Bearer header and the token cookie', async () => {
    expect((await f.call('GET', '/v1/campaigns/mine', { token: f.tokenFor(userId) })).status).toBe(200)
    const res = await f.call('GET', '/v1/campaigns/mine', { headers: { cookie: `a=b; token=${f.tokenFor(userId)}` } })
    expect(res.status).toBe(200)
  })

  it('answers unknown routes 404 before any auth, with method and URL', async () => {
    expect(await answer(await f.call('GET', '/v1/x?y=1'))).toEqual({
      status: 404,
      body: { statusCode: 404, message: 'Cannot GET /v1/x?y=1', error: 'Not Found' },
    })
    const wrongMethod = await answer(await f.call('PATCH', '/v1/campaigns/mine'))
    expect(wrongMethod.body.message).toBe('Cannot PATCH /v1/campaigns/mine')
  })

  it('serves /v1/health without auth', async () => {
    expect(await answer(await f.call('GET', '/v1/health'))).toEqual({ status: 200, body: { ok: true } })
  })

  it('routes a trailing slash like Express does', async () => {
    expect((await f.call('GET', '/v1/campaigns/mine/', { token: f.tokenFor(userId) })).status).toBe(200)
  })
})
