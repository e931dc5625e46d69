// Phase 2 end to end: the whole proxy in front of the legacy stand-in with the demo data set, the
// organizations and segments backfilled. Every phase 2 read in shadow, for every user, with and without
// X-Organization-Id, ends as match or expected on data in sync; a P2V row then edited behind the
// proxy's back makes the next comparison a mismatch that names the drifted field paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { phase2System, type Phase2System } from '../org-context/system.js'
import { eventually } from '../organizations/harness.js'

const USERS = 30
let p: Phase2System
let requests = 0

beforeAll(async () => {
  p = await phase2System({ users: USERS, stages: { 'org.reads': 'shadow', 'org.voter-filters': 'shadow', 'org.switcher': 'live' } })
}, 90_000)
afterAll(() => p?.close())

type Row = { route: string; outcome: string; origin: string; signature_keys: string[] | null; user_id: number; differences: unknown }

async function shadowRows(): Promise<Row[]> {
  return p.system.db.sql<Row[]>`SELECT route, outcome, origin, signature_keys, user_id, differences FROM org_proxy.comparison WHERE origin = 'shadow' ORDER BY id`
}

async function get(path: string, user: number, org?: string) {
  const r = await p.call('GET', path, { user, ...(org ? { org } : {}) })
  requests++
  expect(r.headers['x-org-proxy-stage']).toBe('shadow')
  expect(r.headers['x-org-proxy-served-by']).toBe('legacy')
  return r
}

describe('every phase 2 read in shadow on the demo data', () => {
  it('ends as match or expected, for every user and organization', async () => {
    const sql = p.system.db.sql
    const orgs = await sql<{ user_id: number; id: string }[]>`SELECT owner_id AS user_id, id::text FROM organization ORDER BY owner_id, id`
    const filters = await sql<{ user_id: number; id: number }[]>`
      SELECT c.user_id, f.id FROM voter_file_filter f JOIN campaign c ON c.id = f.campaign_id ORDER BY f.id`
    for (let user = 1; user <= USERS; user++) {
      const mine = [undefined, ...orgs.filter((o) => o.user_id === user).map((o) => o.id)]
      for (const org of mine) {
        await get('/v1/campaigns/mine', user, org)
        await get('/v1/elected-office/current', user, org)
        await get('/v1/voters/voter-file/filters', user, org)
        for (const f of filters.filter((x) => x.user_id === user)) await get(`/v1/voters/voter-file/filter/${f.id}`, user, org)
      }
      await get('/v1/voters/voter-file/filter/999999', user)
    }
    await eventually(async () => (await shadowRows()).length >= requests, 20_000, 'every shadow comparison recorded')
    const rows = await shadowRows()
    const summary: Record<string, Record<string, number>> = {}
    for (const r of rows) (summary[r.route] ??= {})[r.outcome] = (summary[r.route]![r.outcome] ?? 0) + 1
    console.log(`phase 2 shadow outcomes over ${requests} requests:`, JSON.stringify(summary))
    const bad = rows.filter((r) => r.outcome !== 'match' && r.outcome !== 'expected')
    expect(bad.map((r) => ({ route: r.route, user: r.user_id, outcome: r.outcome, keys: r.signature_keys }))).toEqual([])
    // Expected differences are on every route (errors as problem+json, the access rules, organizationId).
    for (const route of ['campaigns.mine.read', 'elected-office.current', 'voter-filters.list', 'voter-filters.get']) expect(summary[route]?.expected ?? 0).toBeGreaterThan(0)
    // Segments always gain organizationId, so only the campaign and the office compare as plain matches.
    for (const route of ['campaigns.mine.read', 'elected-office.current']) expect(summary[route]?.match ?? 0).toBeGreaterThan(0)
  }, 120_000)

  it('the switcher is live: the user’s organizations, answered by the proxy', async () => {
    const [owner] = await p.system.db.sql<{ owner_id: number; n: number }[]>`
      SELECT owner_id, count(*)::int AS n FROM organization GROUP BY owner_id ORDER BY count(*) DESC, owner_id LIMIT 1`
    const r = await p.call('GET', '/v1/organizations', { user: owner!.owner_id })
    expect(r.headers['x-org-proxy-served-by']).toBe('new')
    expect(r.json).toHaveLength(owner!.n)
  })
})

describe('a planted drift', () => {
  it('a P2V row edited behind the proxy’s back: the diff names the drifted field paths', async () => {
    const sql = p.system.db.sql
    const [target] = await sql<{ user_id: number; campaign_id: number }[]>`
      SELECT c.user_id, c.id AS campaign_id FROM campaign c JOIN organization o ON o.id = c.organization_id
      JOIN path_to_victory pv ON pv.campaign_id = c.id
      WHERE o.l2_district_name IS NOT NULL AND o.l2_district_type IS NOT NULL AND c.user_id <= ${USERS}
      ORDER BY c.id LIMIT 1`
    // What the P2V queue worker would do: write straight to the legacy table, past the proxy.
    await sql`UPDATE path_to_victory SET data = data || ${sql.json({ electionLocation: 'SOMEWHERE ELSE DISTRICT 9', electionType: 'State_Senate' })},
      updated_at = now() AT TIME ZONE 'UTC' WHERE campaign_id = ${target!.campaign_id}`
    const before = (await shadowRows()).length
    await get('/v1/campaigns/mine', target!.user_id)
    await eventually(async () => (await shadowRows()).length > before, 10_000, 'the comparison recorded')
    const row = (await shadowRows()).at(-1)!
    expect(row).toMatchObject({ route: 'campaigns.mine.read', outcome: 'mismatch', user_id: target!.user_id })
    expect(row.signature_keys).toEqual(['pathToVictory.data.electionLocation:changed', 'pathToVictory.data.electionType:changed'])
    const paths = (row.differences as { differences: { path: string; expected?: true }[] }).differences.filter((d) => !d.expected).map((d) => d.path)
    expect(paths.sort()).toEqual(['pathToVictory.data.electionLocation', 'pathToVictory.data.electionType'])
  })
})
