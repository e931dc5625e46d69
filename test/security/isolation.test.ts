// Two users, each with a campaign, an office and segments: no combination of X-Organization-Id, path id,
// query, body or token lets one read, list or modify the other's organizations or segments. Checked
// through the whole proxy with every phase 2 flag live, and directly on the organization-backed handlers.
// Every refusal the proxy answers itself is a 401/403/404 problem+json; where a request is not the
// proxy's to answer (an invalid token names no one, so it is never in a rollout; PUT and DELETE of a
// segment pass through), gp-api's own refusal stands, and nothing of the other user's changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signJwt } from '../../src/auth/jwt.js'
import type { OrganizationSummary } from '../../src/switcher/index.js'
import { createNewApp } from '../../src/system/new-app.js'
import { addMember, SECRET, silentLog, type Member } from '../org-context/harness.js'
import { phase2System, type Phase2System } from '../org-context/system.js'

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')

type Call = (method: string, path: string, opts: { user?: number; token?: string; org?: string; body?: unknown }) => Promise<{ status: number; type: string | null; text: string; json: any }>

/** What A may try against B, on any side; `call` is the proxy or the handlers. */
function attacks(who: () => { a: Member; b: Member }) {
  const reads = (): [string, string, string | undefined][] => {
    const { a, b } = who()
    const orgs = [b.winOrg, b.serveOrg!, b.pastOrg ?? b.winOrg]
    const out: [string, string, string | undefined][] = []
    for (const org of orgs) {
      out.push(['campaign with B’s organization in the header', '/v1/campaigns/mine', org])
      out.push(['current office with B’s organization in the header', '/v1/elected-office/current', org])
      out.push(['segments with B’s organization in the header', '/v1/voters/voter-file/filters', org])
      out.push(['B’s organization by path', `/v1/organizations/${org}`, undefined])
      out.push(['B’s organization by path, A’s in the header', `/v1/organizations/${org}`, a.winOrg])
      out.push(['B’s segment with B’s organization in the header', `/v1/voters/voter-file/filter/${b.filterIds[0]}`, org])
    }
    for (const org of [undefined, a.winOrg, a.serveOrg!]) out.push(['B’s segment through A’s organization', `/v1/voters/voter-file/filter/${b.filterIds[0]}`, org])
    return out
  }
  return reads
}

/** Nothing in the answer is B's: none of B's organization or office ids, no row of B's campaign or segments. */
async function expectNothingOfB(r: { status: number; text: string }, b: Member, askedFor?: string) {
  // gp-api's 404 for a route it lacks repeats the path asked for; that echo is the caller's own words.
  const text = askedFor ? r.text.replaceAll(askedFor, '') : r.text
  for (const id of [b.winOrg, b.serveOrg!, b.pastOrg!, b.officeId!]) expect(text).not.toContain(id)
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk)
    if (!v || typeof v !== 'object') return
    const o = v as Record<string, unknown>
    expect(o.userId === b.userId || o.campaignId === b.campaignId || ('slug' in o && o.id === b.campaignId) || ('voterCount' in o && b.filterIds.includes(o.id as number))).toBe(false)
    Object.values(o).forEach(walk)
  }
  walk(r.text ? JSON.parse(r.text) : null)
}

// One system for both sides: the proxy over loopback, and its organization-backed app called directly.
let p: Phase2System
let a: Member
let b: Member
beforeAll(async () => {
  p = await phase2System({ users: 5, stages: { 'org.reads': 'live', 'org.switcher': 'live', 'org.voter-filters': 'live', 'org.dual-write': 'live' } })
  a = await addMember(p.system.db.sql, { pro: true, office: true, pastOffice: true, filters: 2 })
  b = await addMember(p.system.db.sql, { pro: true, office: true, pastOffice: true, filters: 2 })
}, 90_000)
afterAll(() => p?.close())

describe('through the whole proxy (org.reads, org.switcher, org.voter-filters live)', () => {
  const call: Call = (method, path, o) => p.call(method, path, o)
  const reads = attacks(() => ({ a, b }))

  it('no header, path, query or organization of B’s gets A anything of B’s: 404 problem+json, answered by the proxy', async () => {
    for (const [name, path, org] of reads()) {
      const r = await call('GET', path, { user: a.userId, ...(org ? { org } : {}) })
      expect([name, r.status]).toEqual([name, 404])
      expect([name, r.type]).toEqual([name, 'application/problem+json'])
      await expectNothingOfB(r, b)
    }
  })

  it('queries naming B change nothing: A gets A’s own', async () => {
    const mine = await call('GET', `/v1/campaigns/mine?userId=${b.userId}&organizationId=${b.winOrg}&slug=x`, { user: a.userId })
    expect(mine.status).toBe(200)
    expect(mine.json.id).toBe(a.campaignId)
    const list = await call('GET', `/v1/organizations?ownerId=${b.userId}`, { user: a.userId, org: b.winOrg })
    expect((list.json as OrganizationSummary[]).map((o) => o.id).sort()).toEqual([a.winOrg, a.serveOrg, a.pastOrg].sort())
    const segs = await call('GET', `/v1/voters/voter-file/filters?campaignId=${b.campaignId}`, { user: a.userId })
    expect((segs.json as { id: number }[]).map((s) => s.id).sort()).toEqual([...a.filterIds].sort())
  })

  // An invalid token names no one, so no rollout applies and gp-api answers: 401 on its routes, and its
  // 404 for the switcher's routes, which it does not have.
  it('a token that is not valid never reaches anyone’s data (gp-api refuses it)', async () => {
    const tokens = [
      signJwt({ sub: b.userId }, 'not-the-secret-0123456789'),
      `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: b.userId })}.`,
      signJwt({ sub: b.userId, exp: Math.floor(Date.now() / 1000) - 10 }, SECRET),
      'garbage',
    ]
    for (const token of tokens) {
      for (const path of ['/v1/campaigns/mine', '/v1/organizations', `/v1/organizations/${b.winOrg}`, '/v1/voters/voter-file/filters', `/v1/voters/voter-file/filter/${b.filterIds[0]}`]) {
        const r = await call('GET', path, { token, org: b.winOrg })
        expect([path, r.status]).toEqual([path, path.startsWith('/v1/organizations') ? 404 : 401])
        await expectNothingOfB(r, b, path)
      }
    }
  })

  it('writes: A cannot create into, edit or delete B’s segments, nor link a segment to B’s organization', async () => {
    const before = await p.system.db.sql`SELECT id, name, organization_id::text, campaign_id FROM voter_file_filter WHERE campaign_id = ${b.campaignId} ORDER BY id`
    const created = await call('POST', '/v1/voters/voter-file/filter', {
      user: a.userId,
      org: b.serveOrg!,
      body: { name: 'sneaky', campaignId: b.campaignId, organizationId: b.winOrg, organization_id: b.winOrg },
    })
    expect(created.status).toBe(201)
    const [row] = await p.system.db.sql<{ campaign_id: number; organization_id: string }[]>`
      SELECT campaign_id, organization_id::text FROM voter_file_filter WHERE id = ${created.json.id}`
    expect(row).toEqual({ campaign_id: a.campaignId, organization_id: a.winOrg })
    for (const method of ['PUT', 'DELETE']) {
      for (const org of [undefined, b.winOrg, b.serveOrg!]) {
        const r = await call(method, `/v1/voters/voter-file/filter/${b.filterIds[0]}`, { user: a.userId, ...(org ? { org } : {}), body: { name: 'mine now' } })
        expect([method, r.status]).toEqual([method, 404])
      }
    }
    const slugOfB = (await p.system.db.sql<{ slug: string }[]>`SELECT slug FROM campaign WHERE id = ${b.campaignId}`)[0]!.slug
    const orgBefore = await p.system.db.sql`SELECT * FROM organization WHERE id = ${b.winOrg}`
    for (const [path, body] of [
      ['/v1/campaigns/mine', { slug: slugOfB, details: { state: 'NY' } }],
      ['/v1/campaigns/mine/district', { slug: slugOfB, L2DistrictType: 'State_House', L2DistrictName: 'X' }],
    ] as const) {
      const r = await call('PUT', path, { user: a.userId, org: b.winOrg, body })
      expect([path, r.status]).toEqual([path, 403])
    }
    expect(await p.system.db.sql`SELECT id, name, organization_id::text, campaign_id FROM voter_file_filter WHERE campaign_id = ${b.campaignId} ORDER BY id`).toEqual(before)
    expect(await p.system.db.sql`SELECT * FROM organization WHERE id = ${b.winOrg}`).toEqual(orgBefore)
  })
})

describe('directly on the organization-backed handlers', () => {
  let newApp: ReturnType<typeof createNewApp>
  beforeAll(() => void (newApp = createNewApp(p.system.routes, silentLog())))

  const call: Call = async (method, path, o) => {
    const headers: Record<string, string> = {}
    const t = o.token ?? (o.user === undefined ? undefined : p.token(o.user))
    if (t) headers.authorization = `Bearer ${t}`
    if (o.org) headers['x-organization-id'] = o.org
    const res = await newApp.request(path, { method, headers })
    const text = await res.text()
    return { status: res.status, type: res.headers.get('content-type'), text, json: text ? JSON.parse(text) : undefined }
  }
  const reads = attacks(() => ({ a, b }))

  it('every attack on B is a 404 problem+json that shows nothing of B', async () => {
    for (const [name, path, org] of reads()) {
      const r = await call('GET', path, { user: a.userId, ...(org ? { org } : {}) })
      expect([name, r.status, r.type]).toEqual([name, 404, 'application/problem+json'])
      await expectNothingOfB(r, b)
    }
  })

  it('every bad token is a 401 problem+json on every route', async () => {
    const tokens = [
      signJwt({ sub: b.userId }, 'not-the-secret-0123456789'),
      `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: b.userId })}.`,
      signJwt({ sub: b.userId, exp: Math.floor(Date.now() / 1000) - 10 }, SECRET),
      'garbage',
      `${signJwt({ sub: a.userId }, SECRET).split('.').slice(0, 1)}.${b64({ sub: b.userId })}.${signJwt({ sub: a.userId }, SECRET).split('.')[2]}`,
    ]
    for (const token of tokens) {
      for (const path of ['/v1/campaigns/mine', '/v1/elected-office/current', '/v1/organizations', `/v1/organizations/${b.winOrg}`, '/v1/voters/voter-file/filters', `/v1/voters/voter-file/filter/${b.filterIds[0]}`]) {
        const r = await call('GET', path, { token, org: b.winOrg })
        expect([path, r.status, r.type]).toEqual([path, 401, 'application/problem+json'])
        await expectNothingOfB(r, b)
      }
    }
  })

  it('a win organization that is not pro gets 403 problem+json, and still nothing of B', async () => {
    await p.system.db.sql`UPDATE campaign SET "isPro" = false WHERE id = ${a.campaignId}`
    for (const path of ['/v1/voters/voter-file/filters', `/v1/voters/voter-file/filter/${b.filterIds[0]}`]) {
      const r = await call('GET', path, { user: a.userId })
      expect([path, r.status, r.type]).toEqual([path, 403, 'application/problem+json'])
      await expectNothingOfB(r, b)
    }
    await p.system.db.sql`UPDATE campaign SET "isPro" = true WHERE id = ${a.campaignId}`
  })

  // Segments are the organization's (after the contract step nothing else names their owner), so they
  // follow it; the campaign and office rows are still the legacy user's, and only theirs.
  it('an organization whose owner drifted to A never serves B’s campaign or office rows', async () => {
    await p.system.db.sql`UPDATE organization SET owner_id = ${a.userId} WHERE id IN (${b.winOrg}, ${b.serveOrg!})`
    try {
      for (const org of [b.winOrg, b.serveOrg!]) {
        for (const path of ['/v1/campaigns/mine', '/v1/elected-office/current']) {
          const r = await call('GET', path, { user: a.userId, org })
          if (r.status === 200) expect(r.text).not.toContain(`"userId":${b.userId}`)
          const walk = (v: unknown): void => {
            if (Array.isArray(v)) return v.forEach(walk)
            if (v && typeof v === 'object') {
              const o = v as Record<string, unknown>
              expect([path, o.userId === b.userId || o.campaignId === b.campaignId || o.id === b.campaignId || o.id === b.officeId]).toEqual([path, false])
            }
          }
          walk(r.json)
        }
      }
    } finally {
      await p.system.db.sql`UPDATE organization SET owner_id = ${b.userId} WHERE id IN (${b.winOrg}, ${b.serveOrg!})`
    }
  })

  it('A’s own requests answer A’s own data only', async () => {
    for (const org of [undefined, a.winOrg, a.serveOrg!]) {
      for (const path of ['/v1/campaigns/mine', '/v1/elected-office/current', '/v1/organizations', '/v1/voters/voter-file/filters', `/v1/voters/voter-file/filter/${a.filterIds[0]}`]) {
        const r = await call('GET', path, { user: a.userId, ...(org ? { org } : {}) })
        expect([path, r.status]).toEqual([path, 200])
        await expectNothingOfB(r, b)
      }
    }
  })
})
