// POST /v1/organizations against the real database: a user who serves (or served) starts a new campaign;
// every row it writes is checked, the whole creation is one transaction, the Idempotency-Key replays,
// refuses reuse and serialises concurrent calls; the new organization is then listed by the switcher and
// answers GET /v1/campaigns/mine when named by X-Organization-Id.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BR_FIELDS } from '../../src/domain/index.js'
import { requestHash } from '../../src/new-campaign/index.js'
import { organizationsVerify } from '../../src/backfill/index.js'
import { runJob } from '../../src/jobs/index.js'
import { fieldSelectSql, mapLegacyRows, mappingLateral, syncedAtSql, syncOrganizations } from '../../src/organizations/index.js'
import { reconcile } from '../../src/reconcile/index.js'
import { addMember, type Member } from '../org-context/harness.js'
import { onPostgres } from '../organizations/harness.js'
import { counts, newCampaignBench, type NewCampaignBench } from './harness.js'

let b: NewCampaignBench

beforeAll(async () => {
  b = await newCampaignBench()
}, 60_000)
afterAll(() => b?.close())

/** The office picker's values as real clients send them: numbers for ids, messy spellings the mapping cleans. */
const MESSY_BR = {
  positionId: 4711,
  electionId: '  88 ',
  raceId: 99,
  state: 'ca',
  office: 'OTHER',
  otherOffice: ' Water Board ',
  ballotLevel: 'city',
  officeTermLength: 4,
  electionDate: '11/3/2026',
  primaryElectionDate: '2026-08-04T00:00:00.000Z',
  partisanType: '\tnonpartisan\n',
  filingPeriodsStart: '2026-03-01',
  filingPeriodsEnd: '',
}

const server = (opts: Parameters<typeof addMember>[1] = {}) => addMember(b.sql, { office: true, ...opts })

describe('a serve user starts a new campaign', () => {
  let m: Member
  let created: Awaited<ReturnType<NewCampaignBench['post']>>
  const key = randomUUID()
  const body = { ...MESSY_BR, details: { pledged: true, issues: ['parks', 'roads'] }, data: { launchStatus: 'pending' } }

  beforeAll(async () => {
    m = await server()
    // Their first campaign holds the slug their name gives, as gp-api's first POST /v1/campaigns made it.
    await b.sql`UPDATE campaign SET slug = ${`member-${m.userId}-base`} WHERE id = ${m.campaignId}`
    await b.sql`UPDATE "user" SET name = ${`Member ${m.userId} Base`} WHERE id = ${m.userId}`
    created = await b.post({ user: m.userId, key, body })
  })

  it('answers 201 with the organization as GET /v1/organizations/:id shows it, plus its campaign', async () => {
    expect(created.status).toBe(201)
    expect(created.type).toBe('application/json; charset=utf-8')
    expect(created.headers.get('idempotent-replayed')).toBeNull()
    const { campaign, ...org } = created.json
    expect(created.headers.get('location')).toBe(`/v1/organizations/${org.id}`)
    expect(org).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      kind: 'win',
      displayName: 'Campaign for Water Board',
      position: { positionId: '4711', electionId: '88', raceId: '99', name: 'Water Board', state: 'CA', ballotLevel: 'CITY' },
      district: { type: null, name: null, id: null },
      campaignId: campaign.id,
      electedOfficeId: null,
      active: true,
      isDefault: true, // the newest campaign's organization is the default
    })
    expect(campaign).toEqual({ id: expect.any(Number), slug: `member-${m.userId}-base-2` })
    const byId = await b.get(`/v1/organizations/${org.id}`, { user: m.userId })
    expect(byId.status).toBe(200)
    expect(byId.json).toEqual(org)
  })

  it('writes one organization, one campaign linked to it, no path to victory, and the key’s answer', async () => {
    const { campaign, id } = created.json
    expect(await counts(b, m.userId)).toEqual({ orgs: 3, campaigns: 2, p2v: 1, keys: 1 }) // the first campaign’s P2V only
    const [o] = await b.sql`SELECT owner_id, kind, ${b.sql.unsafe(fieldSelectSql('o'))} FROM organization o WHERE id = ${id}::uuid`
    expect(o).toEqual({
      owner_id: m.userId, kind: 'win',
      position_id: '4711', election_id: '88', race_id: '99', state: 'CA', office: 'Other', other_office: 'Water Board', ballot_level: 'CITY',
      office_term_length: '4', election_date: '2026-11-03', primary_election_date: '2026-08-04', partisan_type: 'nonpartisan',
      filing_periods_start: '2026-03-01', filing_periods_end: null,
      l2_district_type: null, l2_district_name: null, district_id: null, district_manually_set: null, district_source: null,
    })
    const [c] = await b.sql`SELECT user_id, slug, organization_id::text, details, data, "isActive", "isPro" FROM campaign WHERE id = ${campaign.id}`
    expect(c).toEqual({ user_id: m.userId, slug: campaign.slug, organization_id: id, details: { pledged: true, issues: ['parks', 'roads'] }, data: { launchStatus: 'pending' }, isActive: false, isPro: false })
    // Phase 3: Organization is the only home of the BR fields.
    for (const k of BR_FIELDS) expect(c!.details).not.toHaveProperty(k)
    const [k] = await b.sql`SELECT status, body::text AS body, organization_id::text, request_hash FROM org_proxy.new_campaign_idempotency WHERE user_id = ${m.userId} AND key = ${key}`
    expect(k).toEqual({ status: 201, body: created.text, organization_id: id, request_hash: expect.stringMatching(/^[0-9a-f]{64}$/) })
    // Nothing else of the user's moved: the first campaign keeps its organization.
    const [first] = await b.sql`SELECT organization_id::text FROM campaign WHERE id = ${m.campaignId}`
    expect(first!.organization_id).toBe(m.winOrg)
  })

  it('stores the BR values exactly as the backfill’s mapping (TypeScript and SQL) cleans them', async () => {
    const { details: _d, data: _x, ...br } = body
    const ts = mapLegacyRows({ campaign: { id: 1, userId: m.userId, details: br, updatedAt: new Date(0) }, pathToVictory: null })
    const [sqlSide] = await b.sql.unsafe(
      `SELECT ${fieldSelectSql('om_v')} FROM (SELECT $1::text::jsonb AS d) x ${mappingLateral({ details: 'x.d', data: 'NULL::jsonb', orphan: 'false' })}`,
      [JSON.stringify(br)],
    )
    const [stored] = await b.sql`SELECT ${b.sql.unsafe(fieldSelectSql('o'))} FROM organization o WHERE id = ${created.json.id}::uuid`
    expect(stored).toEqual(ts.fields)
    expect(stored).toEqual(sqlSide)
  })

  it('is in step for reconcile: legacy_synced_at is the campaign’s updated_at as the backfill reads it', async () => {
    const [r] = await b.sql<{ same: boolean }[]>`
      SELECT o.legacy_synced_at = ${b.sql.unsafe(syncedAtSql('c.updated_at'))} AS same
      FROM campaign c JOIN organization o ON o.id = c.organization_id WHERE c.id = ${created.json.campaign.id}`
    expect(r!.same).toBe(true)
  })

  it('is the proxy\'s own: phase 1\'s verify, deep reconcile and sync leave it as it is (its details hold no BR key)', async () => {
    const orgId = created.json.id as string
    const before = await b.sql`SELECT ${b.sql.unsafe(fieldSelectSql('o'))}, o.proxy_owned FROM organization o WHERE id = ${orgId}::uuid`
    expect(before[0]!.proxy_owned).toBe(true)
    const { job, report } = organizationsVerify()
    await runJob(b.sql, job, { checkpoint: false, throttle: false, pauseMs: 0, batchSize: 500 })
    expect(report.proxyOwned).toBeGreaterThanOrEqual(1)
    expect(Object.values(report.paths).flatMap((p) => p.examples).filter((e) => e.organizationId === orgId)).toEqual([])
    await reconcile(b.sql, { mode: 'deep', pauseMs: 0 })
    await syncOrganizations(b.sql, { campaignIds: [created.json.campaign.id] })
    expect(await b.sql`SELECT ${b.sql.unsafe(fieldSelectSql('o'))}, o.proxy_owned FROM organization o WHERE id = ${orgId}::uuid`).toEqual(before)
  })

  it('is listed by GET /v1/organizations, first and default', async () => {
    const r = await b.get('/v1/organizations', { user: m.userId })
    expect(r.status).toBe(200)
    const { campaign: _c, ...org } = created.json
    expect(r.json).toHaveLength(3)
    expect(r.json[0]).toEqual(org)
    expect(r.json.map((o: any) => [o.id, o.kind, o.isDefault])).toEqual([
      [org.id, 'win', true],
      [m.winOrg, 'win', false],
      [m.serveOrg, 'serve', false],
    ])
  })

  it('answers GET /v1/campaigns/mine with X-Organization-Id, its BR fields from the organization', async () => {
    const mine = await b.get('/v1/campaigns/mine', { user: m.userId, org: created.json.id })
    expect(mine.status).toBe(200)
    expect(mine.json).toMatchObject({
      id: created.json.campaign.id,
      slug: created.json.campaign.slug,
      userId: m.userId,
      details: { pledged: true, issues: ['parks', 'roads'], positionId: 4711, electionId: 88, raceId: 99, state: 'CA', office: 'Other', otherOffice: 'Water Board', ballotLevel: 'CITY', electionDate: '2026-11-03' },
      data: { launchStatus: 'pending' },
      pathToVictory: null,
    })
    // The first campaign is still there, by its own organization; the default is the new one.
    const old = await b.get('/v1/campaigns/mine', { user: m.userId, org: m.winOrg })
    expect(old.json.id).toBe(m.campaignId)
    expect((await b.get('/v1/campaigns/mine', { user: m.userId })).json.id).toBe(created.json.campaign.id)
  })

  it('replays the stored answer for the same key and body (keys in any order); nothing new', async () => {
    const before = await counts(b, m.userId)
    const reordered = Object.fromEntries(Object.entries(body).reverse())
    const again = await b.post({ user: m.userId, key, body: reordered })
    expect(again.status).toBe(201)
    expect(again.text).toBe(created.text)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(again.headers.get('location')).toBe(created.headers.get('location'))
    expect(await counts(b, m.userId)).toEqual(before)
  })

  it('refuses the same key with another body: 422 problem, nothing new', async () => {
    const before = await counts(b, m.userId)
    const r = await b.post({ user: m.userId, key, body: { ...body, state: 'NY' } })
    expect(r.status).toBe(422)
    expect(r.type).toBe('application/problem+json')
    expect(r.json).toMatchObject({ status: 422, title: 'Unprocessable Content', message: 'Idempotency-Key reused' })
    expect(await counts(b, m.userId)).toEqual(before)
  })
})

describe('concurrency', () => {
  it('the same key sent four times at once creates exactly once; the others replay its answer', async () => {
    const m = await server()
    const key = randomUUID()
    const answers = await Promise.all([1, 2, 3, 4].map(() => b.post({ user: m.userId, key, body: { positionId: 1, office: 'Mayor' } })))
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201])
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === null)).toHaveLength(1)
    expect(new Set(answers.map((a) => a.text)).size).toBe(1)
    expect(await counts(b, m.userId)).toEqual({ orgs: 3, campaigns: 2, p2v: 1, keys: 1 })
  })

  it('two keys of one user at once make two campaigns, with distinct slugs', async () => {
    const m = await server()
    const [x, y] = await Promise.all([
      b.post({ user: m.userId, key: 'first-race', body: { positionId: 1, office: 'Mayor' } }),
      b.post({ user: m.userId, key: 'second-race', body: { positionId: 2, office: 'Sheriff' } }),
    ])
    expect([x!.status, y!.status]).toEqual([201, 201])
    expect(x!.json.id).not.toBe(y!.json.id)
    expect(x!.json.campaign.slug).not.toBe(y!.json.campaign.slug)
    expect(await counts(b, m.userId)).toEqual({ orgs: 4, campaigns: 3, p2v: 1, keys: 2 })
  })

  it('another user’s identical key is their own: it creates for them', async () => {
    const [one, two] = [await server(), await server()]
    const body = { positionId: 5, office: 'Mayor' }
    const a = await b.post({ user: one.userId, key: 'shared-key', body })
    const c = await b.post({ user: two.userId, key: 'shared-key', body })
    expect([a.status, c.status]).toEqual([201, 201])
    expect(c.headers.get('idempotent-replayed')).toBeNull()
    expect(c.json.id).not.toBe(a.json.id)
    const [o] = await b.sql`SELECT owner_id FROM organization WHERE id = ${c.json.id}::uuid`
    expect(o!.owner_id).toBe(two.userId)
  })
})

// A second connection holds a key's claim uncommitted, as a concurrent request mid-creation does, so the
// wait is certain rather than a matter of timing. PostgreSQL only: the embedded database runs one
// transaction at a time, so there a held transaction would block the request's every statement.
describe.skipIf(!onPostgres)('a request whose key another transaction holds', () => {
  const body = { positionId: 11, office: 'Mayor' }
  const hold = async (userId: number, key: string) => {
    const holder = await b.sql.reserve()
    await holder.unsafe('BEGIN')
    await holder`INSERT INTO org_proxy.new_campaign_idempotency (user_id, key, request_hash) VALUES (${userId}, ${key}, ${requestHash(body)})`
    return holder
  }
  const settledWithin = async (p: Promise<unknown>, ms: number) => {
    let settled = false
    void p.then(() => (settled = true))
    await new Promise((r) => setTimeout(r, ms))
    return settled
  }

  it('waits, then replays what the holder committed', async () => {
    const m = await server()
    const holder = await hold(m.userId, 'held')
    try {
      const pending = b.post({ user: m.userId, key: 'held', body })
      expect(await settledWithin(pending, 300)).toBe(false)
      await holder`UPDATE org_proxy.new_campaign_idempotency SET status = 201, body = '{"held":true}'::json, organization_id = ${m.winOrg}::uuid
        WHERE user_id = ${m.userId} AND key = 'held'`
      await holder.unsafe('COMMIT')
      const r = await pending
      expect([r.status, r.text, r.headers.get('idempotent-replayed')]).toEqual([201, '{"held":true}', 'true'])
      expect(await counts(b, m.userId)).toEqual({ orgs: 2, campaigns: 1, p2v: 1, keys: 1 })
    } finally {
      await holder.unsafe('ROLLBACK').catch(() => {})
      holder.release()
    }
  })

  it('waits, then creates when the holder rolls back', async () => {
    const m = await server()
    const holder = await hold(m.userId, 'held')
    try {
      const pending = b.post({ user: m.userId, key: 'held', body })
      expect(await settledWithin(pending, 300)).toBe(false)
      await holder.unsafe('ROLLBACK')
      const r = await pending
      expect([r.status, r.headers.get('idempotent-replayed')]).toEqual([201, null])
      expect(await counts(b, m.userId)).toEqual({ orgs: 3, campaigns: 2, p2v: 1, keys: 1 })
    } finally {
      holder.release()
    }
  })

  it('answers 409 problem+json with Retry-After when the holder keeps it past the wait', async () => {
    const m = await server()
    const holder = await hold(m.userId, 'stuck')
    try {
      const r = await b.withKeyWait(200).post({ user: m.userId, key: 'stuck', body })
      expect(r.status).toBe(409)
      expect(r.type).toBe('application/problem+json')
      expect(r.headers.get('retry-after')).toBe('1')
      expect(r.json).toMatchObject({ status: 409, message: 'Request in progress' })
    } finally {
      await holder.unsafe('ROLLBACK')
      holder.release()
    }
    expect(await counts(b, m.userId)).toEqual({ orgs: 2, campaigns: 1, p2v: 1, keys: 0 })
  })
})

describe('one transaction', () => {
  it('a failure after the organization insert leaves nothing: no organization, campaign or key', async () => {
    const m = await server()
    const before = await counts(b, m.userId)
    await b.sql.unsafe(`
      CREATE FUNCTION test_refuse_campaign() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'campaign insert refused by the test'; END $$;
      CREATE TRIGGER test_refuse_campaign BEFORE INSERT ON campaign FOR EACH ROW
        WHEN (NEW.user_id = ${m.userId}) EXECUTE FUNCTION test_refuse_campaign();`)
    try {
      const r = await b.post({ user: m.userId, key: 'doomed', body: { positionId: 7, office: 'Mayor' } })
      expect(r.status).toBe(500)
      expect(r.type).toBe('application/problem+json')
      expect(await counts(b, m.userId)).toEqual(before)
    } finally {
      await b.sql.unsafe('DROP TRIGGER test_refuse_campaign ON campaign; DROP FUNCTION test_refuse_campaign()')
    }
    // The key was never stored: the client's retry goes through.
    const retry = await b.post({ user: m.userId, key: 'doomed', body: { positionId: 7, office: 'Mayor' } })
    expect(retry.status).toBe(201)
    expect(retry.headers.get('idempotent-replayed')).toBeNull()
    expect(await counts(b, m.userId)).toEqual({ ...before, orgs: before.orgs + 1, campaigns: before.campaigns + 1, keys: 1 })
  })

  it('a slug taken by a concurrent creation retries the whole transaction: one organization, not two', async () => {
    const m = await server()
    const before = await counts(b, m.userId)
    // The first campaign insert fails as a lost slug race does (23505 on campaign_slug_key); the
    // organization inserted before it in that attempt must not survive.
    await b.sql.unsafe(`
      CREATE SEQUENCE test_slug_race;
      CREATE FUNCTION test_slug_race() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF nextval('test_slug_race') = 1 THEN
          RAISE EXCEPTION 'duplicate key value violates unique constraint "campaign_slug_key"'
            USING ERRCODE = 'unique_violation', CONSTRAINT = 'campaign_slug_key';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER test_slug_race BEFORE INSERT ON campaign FOR EACH ROW
        WHEN (NEW.user_id = ${m.userId}) EXECUTE FUNCTION test_slug_race();`)
    try {
      const r = await b.post({ user: m.userId, key: 'race', body: { positionId: 8, office: 'Mayor' } })
      expect(r.status).toBe(201)
      const [seq] = await b.sql<{ last_value: string }[]>`SELECT last_value::text FROM test_slug_race`
      expect(seq!.last_value).toBe('2') // two attempts
      expect(await counts(b, m.userId)).toEqual({ ...before, orgs: before.orgs + 1, campaigns: before.campaigns + 1, keys: 1 })
    } finally {
      await b.sql.unsafe('DROP TRIGGER test_slug_race ON campaign; DROP FUNCTION test_slug_race(); DROP SEQUENCE test_slug_race')
    }
  })
})

describe('who may', () => {
  it('a user who never held an office gets 403 problem+json, and nothing is kept (not even the key)', async () => {
    const m = await addMember(b.sql, { office: false })
    const before = await counts(b, m.userId)
    const r = await b.post({ user: m.userId, key: 'k', body: { positionId: 1, office: 'Mayor' } })
    expect(r.status).toBe(403)
    expect(r.type).toBe('application/problem+json')
    expect(r.json).toMatchObject({ status: 403, statusCode: 403, title: 'Forbidden', message: 'Only a user who serves or has served can start a new campaign' })
    expect(r.json.detail).toMatch(/no elected office/)
    expect(await counts(b, m.userId)).toEqual(before)
  })

  it('a user who served (a past term only) may', async () => {
    const m = await addMember(b.sql, { pastOffice: true })
    expect(m.pastOrg).not.toBeNull()
    const r = await b.post({ user: m.userId, key: 'k', body: { positionId: 1, office: 'Mayor' } })
    expect(r.status).toBe(201)
  })

  it('no token, or a forged one, is 401 problem+json', async () => {
    const none = await b.post({ user: null, key: 'k', body: { positionId: 1 } })
    expect(none.status).toBe(401)
    expect(none.type).toBe('application/problem+json')
    const forged = await b.post({ key: 'k', body: { positionId: 1 }, headers: { authorization: `Bearer ${b.token(1).slice(0, -3)}abc` } })
    expect(forged.status).toBe(401)
  })
})

describe('bad requests (400 problem+json, nothing written)', () => {
  let m: Member
  beforeAll(async () => {
    m = await server()
  })

  it('the Idempotency-Key is required: missing, too long or not printable ASCII', async () => {
    for (const key of [null, 'x'.repeat(256), 'caf\u00e9', 'tab\there']) {
      const r = await b.post({ user: m.userId, key, body: { positionId: 1 } })
      expect(r.status, String(key)).toBe(400)
      expect(r.type).toBe('application/problem+json')
      expect(r.json.detail).toMatch(/Idempotency-Key/)
    }
    expect((await b.post({ user: m.userId, key: 'x'.repeat(255), body: { positionId: 1 } })).status).toBe(201)
  })

  it('lists every bad field: types, values the mapping rejects, unknown keys, BR keys in details', async () => {
    const before = await counts(b, m.userId)
    const r = await b.post({
      user: m.userId,
      key: 'bad',
      body: { positionId: true, state: 'California', ballotLevel: 'GALACTIC', electionDate: '2026-02-30', officeTermLength: 2.5, positionID: 4, details: { positionId: 9 }, data: [] },
    })
    expect(r.status).toBe(400)
    expect(r.type).toBe('application/problem+json')
    expect(r.json.errors.map((e: any) => e.field).sort()).toEqual(['data', 'details', 'positionID', 'positionId'])
    expect(r.json.message).toContain('positionID: unknown field')
    // Type errors first; once the types are right, the values the mapping would reject are named.
    const values = await b.post({ user: m.userId, key: 'bad', body: { positionId: 1, state: 'California', ballotLevel: 'GALACTIC', electionDate: '2026-02-30', officeTermLength: 2.5 } })
    expect(values.status).toBe(400)
    expect(values.json.errors).toEqual([
      { field: 'state', message: 'must be a two-letter state code' },
      { field: 'ballotLevel', message: 'must be one of CITY, COUNTY, FEDERAL, LOCAL, REGIONAL, STATE, TOWNSHIP' },
      { field: 'officeTermLength', message: 'must be a non-blank string or a whole number' },
      { field: 'electionDate', message: 'must be a calendar date (YYYY-MM-DD or M/D/YYYY)' },
    ])
    expect(values.json.statusCode).toBe(400)
    expect(await counts(b, m.userId)).toEqual(before)
  })

  it('a race is required; the body must be a JSON object sent as JSON', async () => {
    const noRace = await b.post({ user: m.userId, key: 'n', body: { state: 'CA', positionId: '  ' } })
    expect(noRace.status).toBe(400)
    expect(noRace.json.errors).toEqual([{ field: 'positionId', message: expect.stringMatching(/needs its race/) }])
    expect((await b.post({ user: m.userId, key: 'n', rawBody: '{"positionId": 1' })).status).toBe(400)
    expect((await b.post({ user: m.userId, key: 'n', rawBody: '[1]' })).status).toBe(400)
    expect((await b.post({ user: m.userId, key: 'n', body: { positionId: 1 }, headers: { 'content-type': 'text/plain' } })).status).toBe(400)
  })
})

describe('key expiry', () => {
  it('a key older than 24 hours is free again, and creations sweep expired rows', async () => {
    const m = await server()
    const first = await b.post({ user: m.userId, key: 'old', body: { positionId: 1, office: 'Mayor' } })
    expect(first.status).toBe(201)
    await b.sql`UPDATE org_proxy.new_campaign_idempotency SET created_at = now() - interval '25 hours' WHERE user_id = ${m.userId} AND key = 'old'`
    // Another body under the expired key is a new request, not a reuse.
    const second = await b.post({ user: m.userId, key: 'old', body: { positionId: 2, office: 'Sheriff' } })
    expect(second.status).toBe(201)
    expect(second.json.id).not.toBe(first.json.id)
    // Rows of other users, long expired, go with the next creation; a fresh one stays.
    const other = await server()
    await b.post({ user: other.userId, key: 'stale', body: { positionId: 3, office: 'Mayor' } })
    await b.sql`UPDATE org_proxy.new_campaign_idempotency SET created_at = now() - interval '3 days' WHERE user_id = ${other.userId}`
    await b.post({ user: m.userId, key: 'fresh', body: { positionId: 4, office: 'Mayor' } })
    const left = await b.sql<{ user_id: number; key: string }[]>`
      SELECT user_id, key FROM org_proxy.new_campaign_idempotency WHERE user_id IN (${m.userId}, ${other.userId}) ORDER BY key`
    expect(left).toEqual([{ user_id: m.userId, key: 'fresh' }, { user_id: m.userId, key: 'old' }])
  })
})
