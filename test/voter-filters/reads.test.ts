// Segments by organization, against the legacy stand-in on the same rows: a pro campaign's win
// organization sees gp-api's list; a serve organization sees every segment of its campaign without the
// party fields; a win organization that is not pro is told to go pro (403); each intended change is an
// expected difference under the route's rules. The write path links a new segment to the organization.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compare, compileRules } from '../../src/compare/index.js'
import { PARTY_FIELDS } from '../../src/domain/index.js'
import { PRO_REQUIRED_TYPE } from '../../src/org-context/index.js'
import { PHASE1_OUTBOX_HANDLERS, type OutboxHandlers } from '../../src/outbox/index.js'
import { assignCreatedFilter, filterListRules, filterRules, PHASE2_OUTBOX_HANDLERS, VOTER_FILTER_CREATE } from '../../src/voter-filters/index.js'
import { addMember, phase2Bench, type Member, type Phase2Bench } from '../org-context/harness.js'

let b: Phase2Bench
let pro: Member // pro campaign, an active office, three segments
let free: Member // not pro, an active office (gp-api lets office holders use segments), two segments
let other: Member
const listRules = compileRules(filterListRules())
const oneRules = compileRules(filterRules())

beforeAll(async () => {
  b = await phase2Bench()
  pro = await addMember(b.sql, { pro: true, office: true, filters: 3 })
  free = await addMember(b.sql, { pro: false, office: true, filters: 2 })
  other = await addMember(b.sql, { pro: true, office: true, filters: 1 })
}, 60_000)
afterAll(() => b?.close())

async function both(path: string, user: number, org?: string, single = false) {
  const [legacy, fresh] = await Promise.all([b.call('legacy', path, { user }), b.call('new', path, { user, ...(org ? { org } : {}) })])
  return { legacy, fresh, result: compare({ status: legacy.status, body: legacy.json }, { status: fresh.status, body: fresh.json }, single ? oneRules : listRules) }
}
const LIST = '/v1/voters/voter-file/filters'
const ONE = (id: number | string) => `/v1/voters/voter-file/filter/${id}`
type Filter = Record<string, unknown> & { id: number; organizationId: string }

describe('a win organization', () => {
  it('of a pro campaign lists gp-api’s segments, each saying its organization (expected)', async () => {
    const { fresh, legacy, result } = await both(LIST, pro.userId)
    expect(fresh.status).toBe(200)
    const segs = fresh.json as Filter[]
    expect(segs.map((s) => s.id)).toEqual((legacy.json as Filter[]).map((s) => s.id))
    expect(segs.every((s) => s.organizationId === pro.winOrg && 'partyDemocrat' in s)).toBe(true)
    expect(result.outcome).toBe('expected')
    expect(result.differences.every((d) => d.path.endsWith('.organizationId'))).toBe(true)
  })

  it('of a campaign that is not pro is told to go pro: 403 problem+json, an expected difference', async () => {
    for (const path of [LIST, ONE(free.filterIds[0]!), ONE(999999)]) {
      const { fresh, result } = await both(path, free.userId, undefined, path !== LIST)
      expect(fresh.status).toBe(403)
      expect(fresh.type).toBe('application/problem+json')
      expect(fresh.json).toMatchObject({ type: PRO_REQUIRED_TYPE, status: 403, message: 'Campaign is not pro' })
      expect((fresh.json as { detail: string }).detail).toMatch(/Pro/)
      expect(result.outcome).toBe('expected')
    }
  })
})

describe('a serve organization', () => {
  it('sees every segment of its campaign without the party fields (expected), pro or not', async () => {
    for (const m of [pro, free]) {
      const { fresh, legacy, result } = await both(LIST, m.userId, m.serveOrg!)
      expect(fresh.status).toBe(200)
      const segs = fresh.json as Filter[]
      expect(segs.map((s) => s.id)).toEqual((legacy.json as Filter[]).map((s) => s.id))
      for (const s of segs) for (const f of PARTY_FIELDS) expect(s).not.toHaveProperty(f)
      expect(result.outcome).toBe('expected')
    }
  })

  it('one segment, by id, the same way', async () => {
    const { fresh, result } = await both(ONE(free.filterIds[1]!), free.userId, free.serveOrg!, true)
    expect(fresh.status).toBe(200)
    expect(fresh.json).toMatchObject({ id: free.filterIds[1], campaignId: free.campaignId })
    expect(fresh.json).not.toHaveProperty('partyDemocrat')
    expect(result.outcome).toBe('expected')
  })
})

describe('refusals and drift', () => {
  it('someone else’s segment is 404 whatever the organization; a bad id 400 (as gp-api)', async () => {
    for (const org of [undefined, pro.winOrg, pro.serveOrg!]) {
      const r = await both(ONE(other.filterIds[0]!), pro.userId, org, true)
      expect(r.fresh.status).toBe(404)
      expect(r.fresh.type).toBe('application/problem+json')
      expect(r.legacy.status).toBe(404)
    }
    expect((await b.call('new', ONE('abc'), { user: pro.userId })).status).toBe(400)
    expect((await b.call('new', ONE('99999999999'), { user: pro.userId })).status).toBe(404)
  })

  it('a segment that lost its organization is missing from the list: a mismatch naming it', async () => {
    const m = await addMember(b.sql, { pro: true, filters: 2 })
    await b.sql`UPDATE voter_file_filter SET organization_id = NULL WHERE id = ${m.filterIds[0]!}`
    const { result } = await both(LIST, m.userId)
    expect(result.outcome).toBe('mismatch')
    expect(result.differences.filter((d) => !d.expected).map((d) => `${d.path}:${d.kind}`)).toEqual([`[id=${m.filterIds[0]}]:missing`])
  })

  it('a changed segment value is a mismatch', async () => {
    const m = await addMember(b.sql, { pro: true, filters: 1 })
    const before = await b.call('new', ONE(m.filterIds[0]!), { user: m.userId })
    await b.sql`UPDATE voter_file_filter SET "voterCount" = 5 WHERE id = ${m.filterIds[0]!}`
    const legacy = await b.call('legacy', ONE(m.filterIds[0]!), { user: m.userId })
    const r = compare({ status: legacy.status, body: legacy.json }, { status: before.status, body: before.json }, oneRules)
    expect(r.differences.filter((d) => !d.expected).map((d) => d.path)).toEqual(['voterCount'])
  })
})

describe('the write path (POST /v1/voters/voter-file/filter, after gp-api created the segment)', () => {
  async function created(m: Member) {
    const res = await b.legacyApp.request('/v1/voters/voter-file/filter', {
      method: 'POST',
      headers: { authorization: `Bearer ${b.token(m.userId)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'New segment', partyDemocrat: true }),
    })
    expect(res.status).toBe(201)
    const json = (await res.json()) as { id: number }
    return { status: 201, body: Buffer.from(JSON.stringify(json)), json }
  }
  const orgOf = async (id: number) => (await b.sql<{ o: string | null }[]>`SELECT organization_id::text AS o FROM voter_file_filter WHERE id = ${id}`)[0]!.o

  it('links it to the header’s organization when it is the caller’s', async () => {
    const legacy = await created(pro)
    const r = await assignCreatedFilter({ userId: pro.userId, organizationId: pro.serveOrg!.toUpperCase(), params: {}, body: {}, legacy, requestId: 't' }, { sql: b.sql })
    expect(r.organizationIds).toEqual([pro.serveOrg])
    expect(await orgOf(legacy.json.id)).toBe(pro.serveOrg)
    // Shared by the campaign's organizations: the win organization lists it too.
    expect(((await b.call('new', LIST, { user: pro.userId })).json as Filter[]).map((s) => s.id)).toContain(legacy.json.id)
  })

  it('falls back to the default for someone else’s organization or none, and is repeatable', async () => {
    const legacy = await created(pro)
    const input = { userId: pro.userId, organizationId: other.serveOrg!, params: {}, body: {}, legacy, requestId: 't' }
    expect((await assignCreatedFilter(input, { sql: b.sql })).organizationIds).toEqual([pro.winOrg])
    expect((await assignCreatedFilter({ ...input, organizationId: undefined }, { sql: b.sql })).organizationIds).toEqual([pro.winOrg])
    expect(await orgOf(legacy.json.id)).toBe(pro.winOrg)
  })

  it('never touches a segment of someone else’s campaign', async () => {
    const legacy = { status: 201, body: Buffer.from('{}'), json: { id: other.filterIds[0]! } }
    const r = await assignCreatedFilter({ userId: pro.userId, organizationId: pro.winOrg, params: {}, body: {}, legacy, requestId: 't' }, { sql: b.sql })
    expect(r.organizationIds).toEqual([])
    expect(await orgOf(other.filterIds[0]!)).toBe(other.winOrg)
  })

  it('a failed link is redone from the outbox the same way (ids only in the payload)', async () => {
    const handlers: OutboxHandlers = { ...PHASE1_OUTBOX_HANDLERS, ...PHASE2_OUTBOX_HANDLERS }
    const legacy = await created(free)
    const payload = handlers[VOTER_FILTER_CREATE]!.payload({ userId: free.userId, organizationId: free.serveOrg!, params: {}, body: { name: 'New segment' }, legacy, requestId: 't' })
    expect(payload).toEqual({ userId: free.userId, filterId: legacy.json.id, organizationId: free.serveOrg })
    await b.sql.begin((tx) => handlers[VOTER_FILTER_CREATE]!.redo(tx, JSON.parse(JSON.stringify(payload))))
    expect(await orgOf(legacy.json.id)).toBe(free.serveOrg)
  })
})
