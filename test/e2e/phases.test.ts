// The whole plan end to end, phases 1 → 3, on the demo (the proxy in front of the legacy stand-in, with
// generated users), moved with flags and commands only: migrate, dual writes, backfill and verify, the
// NOT NULL step, shadow, gates, live, the phase 3 writes, cleanup, and a new campaign. After every step
// the web app's requests are asked again and judged against what legacy answered before anything moved,
// under each route's own rules (only the differences the plan intends may appear), and no legacy value
// may be lost: the archive holds every removed one until its confirm step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { run as backfill } from '../../src/cli/backfill.js'
import { run as contract } from '../../src/cli/contract.js'
import { run as gate } from '../../src/cli/gate.js'
import { run as migrate } from '../../src/cli/migrate.js'
import { run as seed } from '../../src/cli/seed.js'
import { compare, compileRules, type CompiledRules } from '../../src/compare/index.js'
import { loadConfig } from '../../src/config/index.js'
import { BR_FIELDS, L2_FIELDS } from '../../src/domain/index.js'
import type { FlagName } from '../../src/flags/index.js'
import { startSystem, type System } from '../../src/system/index.js'
import { editFlag, tempFlagsDir } from '../flags/helpers.js'
import { freshDatabase, type TestDatabase } from '../helpers/db.js'
import { silentLog } from '../org-context/harness.js'
import { callProxy, type CallAnswer, type CallOptions } from '../org-context/system.js'
import { eventually } from '../organizations/harness.js'

const SECRET = 'phases-e2e-secret-0123456789abcdef'
const USERS = 60
type Stage = 'off' | 'shadow' | 'live'

let flags: { dir: string; remove: () => Promise<void> }
let db: TestDatabase
let system: System
let env: Record<string, string>
/** Users whose data the test's own writes change: judged by what they wrote, not against the baseline. */
const writers = new Set<number>()
/** What legacy answered each web app request before anything moved. */
const baseline = new Map<string, CallAnswer>()

// The web app's reads, and the route (its compare rules) that judges each once the proxy answers it.
const WEB_APP = [
  { path: '/v1/campaigns/mine', route: 'campaigns.mine.read' },
  { path: '/v1/elected-office/current', route: 'elected-office.current' },
  { path: '/v1/voters/voter-file/filters', route: 'voter-filters.list' },
] as const

beforeAll(async () => {
  flags = await tempFlagsDir()
  for (const f of ['org.dual-write', 'org.reads', 'org.switcher', 'org.voter-filters', 'org.writes', 'org.new-campaign'] as FlagName[]) await setFlag(f, 'off', false)
  // The legacy world: gp-api's tables and users (PostgreSQL at DATABASE_URL, else the embedded database
  // on its loopback socket, which every command below connects to like a real one).
  db = await freshDatabase({ max: 20 })
  env = { DATABASE_URL: db.url, FLAGS_DIR: flags.dir, UNLEASH_ENVIRONMENT: 'production', AUTH_SECRET: SECRET }
  await must(seed, ['--users', String(USERS)])
  // Deploys migrate before the replicas start (MIGRATE_ON_START=false); the schema changes are all expand.
  const applied = await must(migrate, [])
  expect(applied.join('\n')).toMatch(/0100_organization/)
  const config = loadConfig({
    PORT: '0', HOST: '127.0.0.1', AUTH_SECRET: SECRET, ADMIN_TOKEN: 'test:phases-admin-token-0123456789',
    FLAGS_DIR: flags.dir, UNLEASH_ENVIRONMENT: 'production', LOG_LEVEL: 'silent', MIGRATE_ON_START: 'false', DATABASE_URL: db.url,
  })
  // Routing remembers who owns what for 30 s; this walk backfills and creates organizations within seconds.
  system = await startSystem(config, { log: silentLog(), workers: false, routingCacheMs: 0, engine: { shadowMaxLoopUtilization: 1, retiredCheckMs: 0 } })
}, 180_000)
afterAll(async () => {
  await system?.stop()
  await flags?.remove()
  await db?.close()
})

// ── the tools a team uses: flags, commands, the web app's requests ──

/** Sets a flag's production stage for everyone (strategy 0 is the live share, strategy 1 shadow). */
async function setFlag(flag: FlagName, stage: Stage, refresh = true): Promise<void> {
  await editFlag(flags.dir, flag, (f) => {
    const e = f.environments.find((x) => x.name === 'production')!
    e.enabled = stage !== 'off'
    if (e.strategies[0]?.variants?.length) e.strategies[0].parameters.rollout = stage === 'live' ? '100' : '0'
  })
  if (refresh) await system.flags.refresh()
}

async function command(run: (argv: string[], io: any) => Promise<number>, argv: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = []
  const code = await run(argv, { env, out: (l: string) => out.push(l), err: (l: string) => out.push(`ERR ${l}`) })
  return { code, out }
}
/** A command that must succeed; its output is shown when it does not. */
async function must(run: (argv: string[], io: any) => Promise<number>, argv: string[]): Promise<string[]> {
  const r = await command(run, argv)
  expect(r.code, `${argv.join(' ')}\n${r.out.join('\n')}`).toBe(0)
  return r.out
}

const call = (user: number, method: string, path: string, opts: Omit<CallOptions, 'user'> = {}): Promise<CallAnswer> => callProxy(system.url, SECRET, method, path, { user, ...opts })

const rulesCache = new Map<string, CompiledRules>()
function rulesOf(routeId: string): CompiledRules {
  let r = rulesCache.get(routeId)
  if (!r) rulesCache.set(routeId, (r = compileRules(system.routes.find((x) => x.id === routeId)!.compare ?? {})))
  return r
}

/**
 * Asks every web app read of every user (writers aside) and judges it against the baseline under the
 * route's rules: a difference the plan does not intend is returned (the test expects none).
 */
async function webAppAnswersCorrectly(step: string, servedBy?: 'legacy' | 'new'): Promise<void> {
  const wrong: unknown[] = []
  const served: Record<string, number> = {}
  for (let user = 1; user <= USERS; user++) {
    if (writers.has(user)) continue
    for (const w of WEB_APP) {
      const now = await call(user, 'GET', w.path)
      const by = String(now.headers['x-org-proxy-served-by'] ?? 'legacy')
      served[by] = (served[by] ?? 0) + 1
      const then = baseline.get(`${user} ${w.path}`)!
      const result = compare({ status: then.status, body: then.json }, { status: now.status, body: now.json }, rulesOf(w.route))
      if (result.outcome !== 'match' && result.outcome !== 'expected') {
        wrong.push({ step, user, path: w.path, outcome: result.outcome, differences: result.differences.filter((d) => !d.expected).map((d) => `${d.path}:${d.kind}`) })
      }
    }
  }
  expect(wrong, `${step}: web app answers that changed`).toEqual([])
  if (servedBy) expect(Object.keys(served), `${step}: who answered`).toEqual([servedBy])
}

/** Every BR key of campaign.details and L2 key of path_to_victory.data, as the legacy rows hold them. */
async function legacyValues(): Promise<Map<string, unknown>> {
  const sql = system.db.sql
  const out = new Map<string, unknown>()
  for (const r of await sql<{ id: number; details: Record<string, unknown> }[]>`SELECT id, details FROM campaign WHERE jsonb_typeof(details) = 'object'`) {
    for (const k of BR_FIELDS) if (k in r.details) out.set(`campaign ${r.id} ${k}`, r.details[k])
  }
  for (const r of await sql<{ id: number; data: Record<string, unknown> }[]>`SELECT id, data FROM path_to_victory WHERE jsonb_typeof(data) = 'object'`) {
    for (const k of L2_FIELDS) if (k in r.data) out.set(`path_to_victory ${r.id} ${k}`, r.data[k])
  }
  return out
}

/** The archive of removed BR/L2 values, in the same shape. */
async function archivedValues(): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>()
  const rows = await system.db.sql<{ table_name: string; row_id: string; removed: Record<string, unknown> }[]>`
    SELECT table_name, row_id::text, removed FROM org_proxy.legacy_archive`
  for (const r of rows) for (const [k, v] of Object.entries(r.removed)) out.set(`${r.table_name} ${r.row_id} ${k}`, v)
  return out
}

async function comparisons(flag: string): Promise<{ route: string; outcome: string; signature_keys: string[] | null }[]> {
  await eventually(async () => true)
  return system.db.sql`SELECT route, outcome, signature_keys FROM org_proxy.comparison WHERE flag = ${flag} ORDER BY id`
}

/** Shadow traffic: every web app read of every user, with each of their organizations too. */
async function browse(): Promise<number> {
  const orgs = await system.db.sql<{ owner_id: number; id: string }[]>`SELECT owner_id, id::text FROM organization ORDER BY owner_id, id`
  let n = 0
  for (let user = 1; user <= USERS; user++) {
    for (const org of [undefined, ...orgs.filter((o) => o.owner_id === user).map((o) => o.id)]) {
      for (const w of WEB_APP) {
        await call(user, 'GET', w.path, org ? { org } : {})
        n++
      }
    }
  }
  return n
}

// The demo is small: the gates are asked with thresholds it can meet (recorded with each decision).
const GATE = ['--min-comparisons', '100', '--min-orgs', '20', '--window', '1h', '--latency-tolerance', '20']
const CONTRACT_GATE = ['--gate-min-comparisons', '100', '--gate-min-orgs', '20', '--gate-window', '1h', '--gate-latency-tolerance', '20']
const WRITE_GATE = ['--min-comparisons', '8', '--min-orgs', '4', '--window', '1h', '--latency-tolerance', '20']
const WRITE_CONTRACT_GATE = ['--gate-min-comparisons', '8', '--gate-min-orgs', '4', '--gate-window', '1h', '--gate-latency-tolerance', '20']

describe('phases 1 → 3 with flags and commands only', () => {
  let people: { pro: number[]; officeHolders: number[]; candidates: number[] }

  it('before anything: the proxy passes every request to legacy; the baseline is what legacy answers', async () => {
    for (let user = 1; user <= USERS; user++) {
      for (const w of WEB_APP) {
        const a = await call(user, 'GET', w.path)
        expect(a.headers['x-org-proxy-served-by'] ?? 'legacy').toBe('legacy')
        baseline.set(`${user} ${w.path}`, a)
      }
    }
    const sql = system.db.sql
    const pro = (await sql<{ user_id: number }[]>`SELECT user_id FROM campaign WHERE "isPro" AND user_id <= ${USERS} ORDER BY user_id`).map((r) => r.user_id)
    const officeHolders = (await sql<{ user_id: number }[]>`SELECT DISTINCT user_id FROM elected_office WHERE "isActive" AND user_id <= ${USERS} ORDER BY user_id`).map((r) => r.user_id)
    const candidates = (await sql<{ user_id: number }[]>`
      SELECT c.user_id FROM campaign c WHERE c.user_id <= ${USERS}
        AND NOT EXISTS (SELECT 1 FROM elected_office e WHERE e.user_id = c.user_id) ORDER BY c.user_id`).map((r) => r.user_id)
    people = { pro, officeHolders, candidates }
    expect(pro.length).toBeGreaterThan(2)
    expect(officeHolders.length).toBeGreaterThan(2)
    expect(candidates.length).toBeGreaterThan(4)
  }, 60_000)

  it('phase 1: dual writes on; backfill and verify; the web app answers as before', async () => {
    await setFlag('org.dual-write', 'live')
    // "I won", through the proxy: legacy writes the office, the dual write pairs it with a serve organization.
    const winner = people.candidates[0]!
    writers.add(winner)
    const won = await call(winner, 'POST', '/v1/elected-office', { body: { electedDate: '2026-11-03' } })
    expect(won.status).toBe(201)
    const [office] = await system.db.sql`SELECT o.kind FROM elected_office e JOIN organization o ON o.id = e.organization_id WHERE e.id = ${won.json.id}::uuid`
    expect(office?.kind).toBe('serve')
    await must(backfill, ['organizations'])
    await must(backfill, ['organizations', '--verify'])
    await must(backfill, ['voter-filters'])
    await must(backfill, ['voter-filters', '--verify'])
    await webAppAnswersCorrectly('phase 1', 'legacy')
  }, 120_000)

  it('phase 2: reads and segments in shadow; the gates say yes on the evidence; NOT NULL; live; rollback is a flag', async () => {
    await setFlag('org.reads', 'shadow')
    await setFlag('org.voter-filters', 'shadow')
    await setFlag('org.switcher', 'live')
    const n = await browse()
    await eventually(async () => (await comparisons('org.reads')).length + (await comparisons('org.voter-filters')).length >= n, 20_000, 'every comparison recorded')
    const bad = [...(await comparisons('org.reads')), ...(await comparisons('org.voter-filters'))].filter((r) => r.outcome !== 'match' && r.outcome !== 'expected')
    expect(bad).toEqual([])
    await must(gate, ['org.reads', '--to', 'live', ...GATE])
    await must(gate, ['org.voter-filters', '--to', 'live', ...GATE])
    await must(contract, ['organization-not-null', ...CONTRACT_GATE])
    await setFlag('org.reads', 'live')
    await setFlag('org.voter-filters', 'live')
    await webAppAnswersCorrectly('phase 2 live', 'new')
    // Rolling back is one flag: legacy answers again at once.
    await setFlag('org.reads', 'off')
    await setFlag('org.voter-filters', 'off')
    await webAppAnswersCorrectly('phase 2 rolled back', 'legacy')
    await setFlag('org.reads', 'live')
    await setFlag('org.voter-filters', 'live')
  }, 180_000)

  it('phase 3 writes: shadowed in rolled-back transactions, compared, gated, then live', async () => {
    await setFlag('org.writes', 'shadow')
    const sql = system.db.sql
    const segments = async () => Number((await sql`SELECT count(*)::int AS n FROM voter_file_filter`)[0]!.n)
    const before = await segments()
    let writes = 0
    for (const user of people.pro.slice(0, 6)) {
      writers.add(user)
      const created = await call(user, 'POST', '/v1/voters/voter-file/filter', { body: { name: `e2e ${user}`, audienceSuperVoters: true } })
      expect(created.status).toBe(201)
      expect(created.headers['x-org-proxy-served-by']).toBe('legacy')
      const updated = await call(user, 'PUT', `/v1/voters/voter-file/filter/${created.json.id}`, { body: { name: `e2e ${user} renamed` } })
      expect(updated.status).toBe(200)
      writes += 2
    }
    const doomed = await call(people.pro[0]!, 'POST', '/v1/voters/voter-file/filter', { body: { name: 'to delete' } })
    expect((await call(people.pro[0]!, 'DELETE', `/v1/voters/voter-file/filter/${doomed.json.id}`)).status).toBe(204)
    writes += 2
    const winner = people.candidates[1]!
    writers.add(winner)
    expect((await call(winner, 'POST', '/v1/elected-office', { body: { electedDate: '2026-11-03' } })).status).toBe(201)
    writes += 1
    // Only legacy's writes stand: the shadows' rows went with their rollbacks.
    expect(await segments()).toBe(before + 6)
    await eventually(async () => (await comparisons('org.writes')).length >= writes, 20_000, 'every write compared')
    const rows = await comparisons('org.writes')
    expect(rows.filter((r) => r.outcome !== 'match' && r.outcome !== 'expected')).toEqual([])
    await must(gate, ['org.writes', '--to', 'live', ...WRITE_GATE])

    await setFlag('org.writes', 'live')
    const next = people.candidates[2]!
    writers.add(next)
    const won = await call(next, 'POST', '/v1/elected-office', { body: { electedDate: '2026-11-04' } })
    expect(won.status).toBe(201)
    expect(won.headers['x-org-proxy-served-by']).toBe('new')
    const [office] = await sql`SELECT to_jsonb(e)->>'campaign_id' AS campaign_id, o.kind FROM elected_office e JOIN organization o ON o.id = e.organization_id WHERE e.id = ${won.json.id}::uuid`
    expect(office).toEqual({ campaign_id: null, kind: 'serve' })
    await webAppAnswersCorrectly('phase 3 writes live', 'new')
    // Rolling the writes back is one flag: gp-api writes again (and lists what the proxy created).
    await setFlag('org.writes', 'off')
    const byLegacy = await call(people.pro[0]!, 'POST', '/v1/voters/voter-file/filter', { body: { name: 'rolled back' } })
    expect(byLegacy.status).toBe(201)
    expect(byLegacy.headers['x-org-proxy-served-by']).toBe('legacy')
    await setFlag('org.writes', 'live')
  }, 180_000)

  it('cleanup: segments contract, dual writes off, BR/L2 removed (archived), campaign_id dropped; the web app never notices', async () => {
    await must(contract, ['voter-filter-organization', ...CONTRACT_GATE])
    const dualWrites = async () => (await system.flags.refresh(), system.flags.stage('org.dual-write', { organizationId: '0190a000-0000-7000-8000-00000000000a' }))
    await must(contract, ['dual-writes-off', ...WRITE_CONTRACT_GATE])
    expect(await dualWrites()).toBe('off')
    await must(contract, ['dual-writes-off', '--rollback'])
    expect(await dualWrites()).not.toBe('off')
    await must(contract, ['dual-writes-off', ...WRITE_CONTRACT_GATE])
    expect(await dualWrites()).toBe('off')

    const kept = await legacyValues()
    expect(kept.size).toBeGreaterThan(100)
    await must(contract, ['remove-br-l2', ...CONTRACT_GATE])
    expect((await legacyValues()).size).toBe(0)
    // Nothing lost: the archive holds every removed value, exactly.
    expect(await archivedValues()).toEqual(kept)
    await webAppAnswersCorrectly('BR/L2 removed', 'new')

    // Reversible until confirmed: the rollback puts every value back, then the step runs again.
    await must(contract, ['remove-br-l2', '--rollback'])
    expect(await legacyValues()).toEqual(kept)
    await must(contract, ['remove-br-l2', ...CONTRACT_GATE])
    expect(await archivedValues()).toEqual(kept)

    await must(contract, ['elected-office-campaign-id', ...WRITE_CONTRACT_GATE])
    const [column] = await system.db.sql`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'elected_office' AND column_name = 'campaign_id'`
    expect(column!.n).toBe(0)
    await webAppAnswersCorrectly('campaign_id dropped', 'new')
  }, 240_000)

  it('after cleanup, office and district picks write the organization only; their answers still show every field', async () => {
    const user = people.pro.find((u) => !writers.has(u)) ?? people.candidates.find((u) => !writers.has(u))!
    writers.add(user)
    const pick = await call(user, 'PUT', '/v1/campaigns/mine', { body: { details: { positionId: '9001', office: 'Mayor', state: 'OR', ballotLevel: 'CITY' } } })
    expect(pick.status).toBe(200)
    expect(pick.json.details).toMatchObject({ positionId: 9001, office: 'Mayor', state: 'OR', ballotLevel: 'CITY' })
    const race = await call(user, 'PUT', '/v1/campaigns/mine/race-target-details', { body: {} })
    expect(race.status).toBe(200)
    expect(race.json.pathToVictory.data).toMatchObject({ electionType: 'City', electionLocation: 'OR MAYOR' })
    // The web app reads back what it wrote, from the organization.
    const mine = await call(user, 'GET', '/v1/campaigns/mine')
    expect(mine.headers['x-org-proxy-served-by']).toBe('new')
    expect(mine.json.details).toEqual(race.json.details)
    expect(mine.json.pathToVictory.data).toEqual(race.json.pathToVictory.data)
    // No stale copy in the legacy rows; the archive keeps the latest values until confirmed.
    expect((await legacyValues()).size).toBe(0)
    const [row] = await system.db.sql`SELECT removed FROM org_proxy.legacy_archive a JOIN campaign c ON c.id::text = a.row_id::text
      WHERE a.table_name = 'campaign' AND c.user_id = ${user}`
    expect(row!.removed).toMatchObject({ office: 'Mayor', state: 'OR' })
    expect(String(row!.removed.positionId)).toBe('9001')
  }, 60_000)

  it('new campaign: a serve user starts one, once per idempotency key, and switches to it', async () => {
    await setFlag('org.new-campaign', 'live')
    const user = people.officeHolders.find((u) => !writers.has(u))!
    writers.add(user)
    const body = { positionId: '12345', office: 'City Council', state: 'CA', ballotLevel: 'CITY', electionDate: '2028-11-07' }
    const first = await call(user, 'POST', '/v1/organizations', { body, headers: { 'idempotency-key': 'e2e-new-campaign-1' } })
    expect(first.status, JSON.stringify(first.json)).toBe(201)
    expect(first.headers['x-org-proxy-served-by']).toBe('new')
    const again = await call(user, 'POST', '/v1/organizations', { body, headers: { 'idempotency-key': 'e2e-new-campaign-1' } })
    expect(again.status).toBe(201)
    expect(again.json).toEqual(first.json)
    const [{ n }] = (await system.db.sql`SELECT count(*)::int AS n FROM campaign WHERE user_id = ${user}`) as unknown as [{ n: number }]
    expect(n).toBe(2)
    const list = await call(user, 'GET', '/v1/organizations')
    expect(list.json.map((o: { id: string }) => o.id)).toContain(first.json.id)
    const mine = await call(user, 'GET', '/v1/campaigns/mine', { org: first.json.id })
    expect(mine.status).toBe(200)
    expect(mine.json.details).toMatchObject({ positionId: 12345, state: 'CA', ballotLevel: 'CITY' })
  }, 60_000)

  it('confirm: the archives go; the web app still answers as before', async () => {
    await must(contract, ['remove-br-l2', '--confirm', ...CONTRACT_GATE])
    await must(contract, ['elected-office-campaign-id', '--confirm', ...WRITE_CONTRACT_GATE])
    expect((await archivedValues()).size).toBe(0)
    const r = await command(contract, ['remove-br-l2', '--rollback'])
    expect(r.code).toBe(1)
    await webAppAnswersCorrectly('confirmed', 'new')
  }, 120_000)
})
