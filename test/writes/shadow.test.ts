// The shadow of each phase 3 write, run by the engine's runWriteShadow on real rows: legacy (the stand-in,
// plus the phase 1/2 dual write under it) writes and commits; the shadow reads legacy's rows back, undoes
// them, runs the new handler in the same transaction and rolls everything back. After it, the database is
// exactly as legacy left it; in-sync data compares as match or expected under the route's rules, and
// drift stays a mismatch naming its field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compare, compileRules } from '../../src/compare/index.js'
import { toSide, type CandidateRequest } from '../../src/engine/experiment.js'
import { runWriteShadow } from '../../src/engine/write-shadow.js'
import { PHASE1_ROUTES, phase1DualWrite } from '../../src/organizations/index.js'
import type { HttpMethod, LegacyAnswer, RouteEntry, WriteInput } from '../../src/routes/types.js'
import { assignCreatedFilter } from '../../src/voter-filters/index.js'
import { addMember, writesBench, type Member, type WritesBench } from './harness.js'

let b: WritesBench

beforeAll(async () => {
  b = await writesBench()
}, 60_000)
afterAll(() => b?.close())

const OFFICE = '/v1/elected-office'
const CREATE = '/v1/voters/voter-file/filter'
const ONE = (id: number) => `/v1/voters/voter-file/filter/${id}`

/** Every row the writes can touch, in a stable order: equal snapshots mean nothing changed. */
async function snapshot() {
  const [s] = await b.sql<{ rows: unknown }[]>`
    SELECT json_build_object(
      'offices', (SELECT json_agg(to_jsonb(e) ORDER BY e.id) FROM elected_office e),
      'organizations', (SELECT json_agg(to_jsonb(o) ORDER BY o.id) FROM organization o),
      'segments', (SELECT json_agg(to_jsonb(f) ORDER BY f.id) FROM voter_file_filter f),
      'campaigns', (SELECT json_agg(to_jsonb(c) ORDER BY c.id) FROM campaign c)) AS rows`
  return s!.rows
}

type Case = {
  entry: RouteEntry
  method: HttpMethod
  path: string
  user: number | null
  org?: string
  body?: unknown
  params?: Record<string, string>
  /** false: the dual write under legacy did not run (failed to the outbox). */
  dualWrite?: boolean
  /** Runs after legacy and its dual write committed, before the shadow. */
  afterLegacy?: () => Promise<unknown>
}

/** Legacy writes (and its dual write follows, as in production), then the shadow runs; its outcome. */
async function shadowed(k: Case) {
  const spec = k.entry.writeShadow!
  const input: WriteInput = { userId: k.user ?? undefined, ...(k.org ? { organizationId: k.org } : {}), params: k.params ?? {}, body: k.body ?? null, requestId: 'test' }
  const before = spec.before ? await spec.before(b.sql, input) : undefined
  const reply = await b.call('legacy', k.method, k.path, { user: k.user, ...(k.org ? { org: k.org } : {}), body: k.body })
  const legacy: LegacyAnswer = { status: reply.status, body: reply.body, json: reply.json }
  if (reply.status < 300 && k.user !== null && k.dualWrite !== false) {
    const dual = { userId: k.user, ...(k.org ? { organizationId: k.org } : {}), params: k.params ?? {}, body: k.body, legacy, requestId: 'test' }
    if (k.entry === b.entries.office) await phase1DualWrite(PHASE1_ROUTES.electedOfficeCreate)(dual, { sql: b.sql })
    if (k.entry === b.entries.create) await assignCreatedFilter(dual, { sql: b.sql })
  }
  const headers: Record<string, string> = {}
  if (k.user !== null) headers.authorization = `Bearer ${b.token(k.user)}`
  if (k.org) headers['x-organization-id'] = k.org
  if (k.body !== undefined) headers['content-type'] = 'application/json'
  const request: CandidateRequest = { method: k.method, path: k.path, headers, body: k.body === undefined ? null : Buffer.from(JSON.stringify(k.body)) }
  await k.afterLegacy?.()
  const committed = await snapshot()
  const run = await runWriteShadow({ sql: b.sql, app: b.newApp, entry: k.entry, input, request, legacy, before })
  // Nothing of the new handler's is committed, and legacy's committed rows are as legacy left them.
  expect(await snapshot()).toEqual(committed)
  const result = compare(toSide(run.legacy, k.method), toSide(run.candidate, k.method), compileRules(k.entry.compare!))
  const doc = (o: typeof run.legacy) => (o.ok ? JSON.parse(o.body.toString('utf8')) : o)
  return { legacyReply: reply, legacy: doc(run.legacy), candidate: doc(run.candidate), result, unexpected: result.differences.filter((d) => !d.expected).map((d) => `${d.path}:${d.kind}`) }
}

const paths = (r: Awaited<ReturnType<typeof shadowed>>) => r.result.differences.map((d) => d.path).sort()

describe('POST /v1/elected-office', () => {
  it('in sync: expected (new ids, own serve organization, campaign_id no longer set); the candidate wrote its office and serve organization', async () => {
    const m = await addMember(b.sql, {})
    const r = await shadowed({ entry: b.entries.office, method: 'POST', path: OFFICE, user: m.userId, body: { electedDate: '2026-11-03', termLengthDays: 1460 } })
    expect(r.legacyReply.status).toBe(201)
    expect(r.candidate.answer).toMatchObject({ electedDate: '2026-11-03' })
    expect(r.candidate.wrote).toMatchObject({ hasCampaignId: false, userId: m.userId, termLengthDays: 1460, organization: { kind: 'serve', ownerId: m.userId } })
    expect(r.legacy.wrote).toMatchObject({ hasCampaignId: true, organization: { kind: 'serve' } })
    expect(r.result.outcome).toBe('expected')
    expect(paths(r)).toEqual(['answer.id', 'wrote.hasCampaignId', 'wrote.id', 'wrote.organizationId'])
  })

  it('a position that differs between the two serve organizations: a mismatch naming the field', async () => {
    const m = await addMember(b.sql, {})
    const r = await shadowed({
      entry: b.entries.office, method: 'POST', path: OFFICE, user: m.userId, body: { electedDate: '2026-11-03' },
      afterLegacy: () => b.sql`UPDATE organization SET position_id = 'drifted' WHERE id = ${m.winOrg}::uuid`,
    })
    expect(r.result.outcome).toBe('mismatch')
    expect(r.unexpected).toEqual(['wrote.organization.position_id:changed'])
  })

  it('legacy’s office still without its serve organization (dual write in the outbox): a mismatch', async () => {
    const m = await addMember(b.sql, {})
    const r = await shadowed({ entry: b.entries.office, method: 'POST', path: OFFICE, user: m.userId, body: { electedDate: '2026-11-03' }, dualWrite: false })
    expect(r.legacy.wrote).toMatchObject({ organizationId: null, organization: null })
    expect(r.result.outcome).toBe('mismatch')
    expect(r.unexpected.sort()).toEqual(['wrote.organization:type', 'wrote.organizationId:type'])
  })

  it('refusals on both sides (409, 400, 401) compare as expected and write nothing', async () => {
    const m = await addMember(b.sql, { office: true })
    for (const k of [
      { user: m.userId, body: { electedDate: '2026-11-03' }, status: 409 },
      { user: m.userId, body: { electedDate: 'soon' }, status: 400 },
      { user: null, body: { electedDate: '2026-11-03' }, status: 401 },
    ]) {
      const r = await shadowed({ entry: b.entries.office, method: 'POST', path: OFFICE, user: k.user, body: k.body })
      expect([r.legacyReply.status, r.candidate.answer.status]).toEqual([k.status, k.status])
      expect([r.legacy.wrote, r.candidate.wrote]).toEqual([null, null])
      expect(r.result.outcome).toBe('expected')
    }
  })
})

describe('segments', () => {
  let pro: Member
  let free: Member // not pro, with an office: gp-api lets them use segments
  beforeAll(async () => {
    pro = await addMember(b.sql, { pro: true, filters: 3 })
    free = await addMember(b.sql, { pro: false, office: true, filters: 3 })
  })

  it('create by a pro win organization: expected (its own id and timestamps, organizationId added)', async () => {
    const r = await shadowed({ entry: b.entries.create, method: 'POST', path: CREATE, user: pro.userId, body: { name: 'Shadowed', partyDemocrat: true, voterCount: 3 } })
    expect(r.legacyReply.status).toBe(201)
    expect(r.candidate.wrote).toMatchObject({ name: 'Shadowed', partyDemocrat: true, organizationId: pro.winOrg, campaignId: pro.campaignId })
    expect(r.result.outcome).toBe('expected')
    // The timestamps differ unless both writes fell in one millisecond.
    const allowed = ['answer.createdAt', 'answer.id', 'answer.organizationId', 'answer.updatedAt', 'wrote.createdAt', 'wrote.id', 'wrote.updatedAt']
    expect(paths(r).filter((p) => !allowed.includes(p))).toEqual([])
    expect(paths(r)).toEqual(expect.arrayContaining(['answer.id', 'answer.organizationId', 'wrote.id']))
  })

  it('create by a serve organization: expected (no party fields, no campaign)', async () => {
    const r = await shadowed({ entry: b.entries.create, method: 'POST', path: CREATE, user: free.userId, org: free.serveOrg!, body: { name: 'Served', partyRepublican: true } })
    expect(r.legacyReply.status).toBe(201)
    expect(r.legacy.wrote).toMatchObject({ organizationId: free.serveOrg, partyRepublican: true, campaignId: free.campaignId })
    expect(r.candidate.wrote).toMatchObject({ organizationId: free.serveOrg, campaignId: null })
    expect(r.candidate.wrote).not.toHaveProperty('partyRepublican')
    expect(r.result.outcome).toBe('expected')
    expect(r.result.differences.map((d) => d.path)).toEqual(expect.arrayContaining(['answer.partyRepublican', 'wrote.partyRepublican', 'wrote.campaignId']))
  })

  it('a win organization that is not pro: 403 where gp-api allowed it for the office (expected, the plan’s rule)', async () => {
    const cases: Omit<Case, 'user'>[] = [
      { entry: b.entries.create, method: 'POST', path: CREATE, body: { name: 'Go pro' } },
      { entry: b.entries.update, method: 'PUT', path: ONE(free.filterIds[0]!), body: { name: 'Go pro' }, params: { id: String(free.filterIds[0]) } },
      { entry: b.entries.delete, method: 'DELETE', path: ONE(free.filterIds[1]!), params: { id: String(free.filterIds[1]) } },
    ]
    for (const k of cases) {
      const r = await shadowed({ ...k, user: free.userId, org: free.winOrg! })
      expect(r.legacyReply.status).toBeLessThan(300)
      expect(r.candidate.answer).toMatchObject({ status: 403, message: 'Campaign is not pro' })
      expect(r.candidate.wrote).toBeNull()
      expect(r.result.outcome, `${k.method} ${JSON.stringify(r.unexpected)}`).toBe('expected')
    }
  })

  it('update: expected (updatedAt); legacy’s update stays committed', async () => {
    const id = pro.filterIds[0]!
    const r = await shadowed({ entry: b.entries.update, method: 'PUT', path: ONE(id), user: pro.userId, body: { name: 'Edited', audienceSuperVoters: false, languageCodes: ['en', 'fr'] }, params: { id: String(id) } })
    expect(r.legacyReply.status).toBe(200)
    expect(r.candidate.wrote).toMatchObject({ id, name: 'Edited', audienceSuperVoters: false, languageCodes: ['en', 'fr'] })
    expect(['match', 'expected']).toContain(r.result.outcome)
    expect(r.unexpected).toEqual([])
    const [row] = await b.sql`SELECT name, "languageCodes" FROM voter_file_filter WHERE id = ${id}`
    expect(row).toEqual({ name: 'Edited', languageCodes: ['en', 'fr'] })
  })

  it('update by a serve organization: party fields left as they were (expected)', async () => {
    const id = free.filterIds[2]!
    const r = await shadowed({ entry: b.entries.update, method: 'PUT', path: ONE(id), user: free.userId, org: free.serveOrg!, body: { name: 'Serve edit', partyDemocrat: false }, params: { id: String(id) } })
    expect(r.legacy.wrote).toMatchObject({ partyDemocrat: false })
    expect(r.candidate.wrote).not.toHaveProperty('partyDemocrat')
    expect(r.result.outcome).toBe('expected')
  })

  it('delete: a match; legacy’s delete stays committed', async () => {
    const id = pro.filterIds[1]!
    const r = await shadowed({ entry: b.entries.delete, method: 'DELETE', path: ONE(id), user: pro.userId, params: { id: String(id) } })
    expect([r.legacyReply.status, r.candidate.answer]).toEqual([204, null])
    expect(r.candidate.wrote).toEqual({ id, exists: false })
    expect(r.result.outcome).toBe('match')
    expect(await b.sql`SELECT 1 FROM voter_file_filter WHERE id = ${id}`).toHaveLength(0)
  })

  it('a segment that lost its organization: gp-api updates it, the new handler cannot see it: a mismatch', async () => {
    const id = pro.filterIds[2]!
    await b.sql`UPDATE voter_file_filter SET organization_id = NULL WHERE id = ${id}`
    const r = await shadowed({ entry: b.entries.update, method: 'PUT', path: ONE(id), user: pro.userId, body: { name: 'Orphan' }, params: { id: String(id) } })
    expect([r.legacyReply.status, r.candidate.answer.status]).toEqual([200, 404])
    expect(r.result.outcome).toBe('mismatch')
    expect(r.unexpected).toContain('$status:changed')
  })

  it('someone else’s segment: 404 on both sides, nothing written (expected)', async () => {
    const r = await shadowed({ entry: b.entries.delete, method: 'DELETE', path: ONE(free.filterIds[2]!), user: pro.userId, params: { id: String(free.filterIds[2]) } })
    expect([r.legacyReply.status, r.candidate.answer.status]).toEqual([404, 404])
    expect(r.result.outcome).toBe('expected')
  })
})
