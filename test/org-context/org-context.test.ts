// The organization guard on a bare Hono app: every way a token can be bad is a 401 problem, a malformed
// X-Organization-Id a 400, someone else's organization the same 404 as a missing one, and without the
// header the caller's default (their campaign's, else their active office's).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Hono } from 'hono'
import { createHmac } from 'node:crypto'
import { signJwt } from '../../src/auth/jwt.js'
import { useOrganization, type OrganizationEnv } from '../../src/org-context/index.js'
import { addMember, phase2Bench, SECRET, type Member, type Phase2Bench } from './harness.js'

let b: Phase2Bench
let app: Hono
let alice: Member // campaign + active office + a past term
let bob: Member // campaign + active office
let carol: { userId: number; serveOrg: string } // an active office whose campaign was removed from her (serve only)
let dave: number // no campaign, no office

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')

beforeAll(async () => {
  b = await phase2Bench()
  alice = await addMember(b.sql, { office: true, pastOffice: true })
  bob = await addMember(b.sql, { office: true })
  // Carol serves but her campaign now belongs to nobody's default: her only default is the office's.
  const m = await addMember(b.sql, { office: true })
  await b.sql`UPDATE campaign SET organization_id = NULL WHERE id = ${m.campaignId}`
  carol = { userId: m.userId, serveOrg: m.serveOrg! }
  const [d] = await b.sql<{ id: number }[]>`INSERT INTO "user" (email, roles) VALUES (${`dave-${Date.now()}@example.com`}, ${['admin']}) RETURNING id`
  dave = d!.id

  app = new Hono()
  const none = { message: 'Nothing', detail: 'no organization applies' }
  const show = (c: import('hono').Context<OrganizationEnv>) => c.json({ user: c.get('user'), org: c.get('organization') })
  app.get('/any', useOrganization({ sql: b.sql, authSecret: SECRET, none }), show)
  app.get('/win', useOrganization({ sql: b.sql, authSecret: SECRET, kinds: ['win'], none }), show)
  app.get('/serve', useOrganization({ sql: b.sql, authSecret: SECRET, kinds: ['serve'], none }), show)
  app.get('/current', useOrganization({ sql: b.sql, authSecret: SECRET, kinds: ['serve'], activeOnly: true, none }), show)
  app.get('/by-id/:id', useOrganization({ sql: b.sql, authSecret: SECRET, from: { param: 'id' }, none }), show)
}, 60_000)
afterAll(() => b?.close())

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await app.request(path, { headers })
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Record<string, any> }
}
const as = (userId: number, org?: string) => ({ authorization: `Bearer ${b.token(userId)}`, ...(org === undefined ? {} : { 'x-organization-id': org }) })

describe('the caller', () => {
  const valid = () => signJwt({ sub: alice.userId }, SECRET)
  const cases: [string, () => Record<string, string>][] = [
    ['no token', () => ({})],
    ['a forged signature', () => ({ authorization: `Bearer ${signJwt({ sub: alice.userId }, 'another-secret-0123456789')}` })],
    ['alg none', () => ({ authorization: `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: alice.userId })}.` })],
    ['alg HS512', () => {
      const h = b64({ alg: 'HS512', typ: 'JWT' })
      const p = b64({ sub: alice.userId })
      return { authorization: `Bearer ${h}.${p}.${createHmac('sha512', SECRET).update(`${h}.${p}`).digest('base64url')}` }
    }],
    ['an expired token', () => ({ authorization: `Bearer ${signJwt({ sub: alice.userId, exp: Math.floor(Date.now() / 1000) - 5 }, SECRET)}` })],
    ['a malformed token', () => ({ authorization: 'Bearer not.a.jwt' })],
    ['a truncated token', () => ({ authorization: `Bearer ${valid().split('.').slice(0, 2).join('.')}` })],
    ['a tampered payload', () => {
      const [h, , s] = valid().split('.')
      return { authorization: `Bearer ${h}.${b64({ sub: bob.userId })}.${s}` }
    }],
    ['a token naming no user', () => ({ authorization: `Bearer ${signJwt({ sub: 987654 }, SECRET)}` })],
    ['a sub out of range', () => ({ authorization: `Bearer ${signJwt({ sub: 99999999999 }, SECRET)}` })],
    ['a Basic header', () => ({ authorization: 'Basic YWxpY2U6c2VjcmV0' })],
  ]
  for (const [name, headers] of cases) {
    it(`${name} → 401 problem+json`, async () => {
      const r = await get('/any', headers())
      expect(r.status).toBe(401)
      expect(r.type).toBe('application/problem+json')
      expect(r.body).toMatchObject({ status: 401, title: 'Unauthorized', statusCode: 401, message: 'Unauthorized' })
    })
  }

  it('the token cookie works as gp-api reads it', async () => {
    const r = await get('/any', { cookie: `other=1; token=${b.token(alice.userId)}` })
    expect(r.status).toBe(200)
    expect(r.body.user.id).toBe(alice.userId)
  })
})

describe('X-Organization-Id', () => {
  const malformed: [string, () => string][] = [
    ['a word', () => 'nope'],
    ['empty', () => ''],
    ['36 zeros', () => '0'.repeat(36)],
    ['two ids', () => `${alice.winOrg}, ${alice.serveOrg}`],
    ['SQL', () => "' OR 1=1 --"],
    ['an id with a suffix', () => `${alice.winOrg}x`],
  ]
  for (const [name, value] of malformed) {
    it(`malformed (${name}) → 400 problem+json, before any lookup`, async () => {
      const r = await get('/any', as(alice.userId, value()))
      expect(r.status).toBe(400)
      expect(r.type).toBe('application/problem+json')
    })
  }

  it("someone else's organization → 404, the same body as one that does not exist", async () => {
    const foreign = await get('/any', as(alice.userId, bob.winOrg))
    const missing = await get('/any', as(alice.userId, '0190a000-0000-7000-8000-00000000abcd'))
    expect(foreign.status).toBe(404)
    expect(foreign.type).toBe('application/problem+json')
    expect(foreign.body).toEqual(missing.body)
  })

  it('an own organization is chosen, any case of the UUID', async () => {
    const r = await get('/any', as(alice.userId, alice.serveOrg!.toUpperCase()))
    expect(r.status).toBe(200)
    expect(r.body.org).toMatchObject({ id: alice.serveOrg, kind: 'serve', via: 'request', electedOfficeId: alice.officeId, officeActive: true, campaignId: null })
    expect(r.body.org.fields).toHaveProperty('position_id')
  })

  it('an own organization of a kind the route does not act on gives way to the default of its kind', async () => {
    const onWin = await get('/win', as(alice.userId, alice.serveOrg!))
    expect(onWin.body.org).toMatchObject({ id: alice.winOrg, kind: 'win', via: 'default', campaignId: alice.campaignId })
    const onServe = await get('/serve', as(alice.userId, alice.winOrg))
    expect(onServe.body.org).toMatchObject({ id: alice.serveOrg, kind: 'serve', via: 'default' })
  })

  it('a past term is chosen when named, unless the route acts only on what is in force', async () => {
    const r = await get('/serve', as(alice.userId, alice.pastOrg!))
    expect(r.body.org).toMatchObject({ id: alice.pastOrg, via: 'request', officeActive: false })
    const current = await get('/current', as(alice.userId, alice.pastOrg!))
    expect(current.body.org).toMatchObject({ id: alice.serveOrg, via: 'default', officeActive: true })
  })
})

describe('the default organization', () => {
  it("is the campaign's", async () => {
    expect((await get('/any', as(alice.userId))).body.org).toMatchObject({ id: alice.winOrg, via: 'default' })
  })
  it("else the active office's", async () => {
    expect((await get('/any', as(carol.userId))).body.org).toMatchObject({ id: carol.serveOrg, kind: 'serve' })
  })
  it('none → the route’s own 404 (problem+json)', async () => {
    const r = await get('/any', as(dave))
    expect(r.status).toBe(404)
    expect(r.type).toBe('application/problem+json')
    expect(r.body).toMatchObject({ message: 'Nothing', statusCode: 404, error: 'Not Found' })
  })
  it('admin and sales get no way into anyone else’s organization', async () => {
    expect((await get('/any', as(dave, alice.winOrg))).status).toBe(404)
    expect((await get(`/by-id/${alice.winOrg}`, as(dave))).status).toBe(404)
  })
})

describe('a path id', () => {
  it('must be a UUID (400), the caller’s (404 otherwise), and never falls back', async () => {
    expect((await get('/by-id/42', as(alice.userId))).status).toBe(400)
    expect((await get(`/by-id/${bob.winOrg}`, as(alice.userId))).status).toBe(404)
    expect((await get(`/by-id/${alice.serveOrg}`, as(alice.userId))).body.org.id).toBe(alice.serveOrg)
  })
  it('ignores the header', async () => {
    const r = await get(`/by-id/${alice.winOrg}`, as(alice.userId, alice.serveOrg!))
    expect(r.body.org.id).toBe(alice.winOrg)
  })
})
