// Phase 3 cleanup end to end on a small demo: the proxy's organization-backed routes are recorded for a
// win user, a serve user whose campaign shares segments with their office, a pro and a non-pro user;
// then dual writes go off, the BR/L2 keys and elected_office.campaign_id go away, and the same requests
// answer the same (only the declared differences: the office's campaignId, and segments a serve or win
// organization now owns as copies). Each step refuses until its evidence holds, the archive holds every
// removed value, a rollback restores the legacy rows exactly, and confirm is refused until it may run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compare, compileRules } from '../../src/compare/index.js'
import {
  archiveCounts,
  dualWritesOffStep,
  electedOfficeCampaignIdConfirmStep,
  electedOfficeCampaignIdStep,
  keysLeft,
  removeBrL2ConfirmStep,
  removeBrL2Step,
  runContractStep,
  voterFilterOrganizationStep,
  type ContractStep,
  type FlagSwitch,
  type FlagStatus,
} from '../../src/contract/index.js'
import { BR_FIELDS, L2_FIELDS } from '../../src/domain/index.js'
import { FLAG, type FlagName } from '../../src/flags/index.js'
import { runJob } from '../../src/jobs/index.js'
import { LegacySourceRetiredError, syncOrganizations } from '../../src/organizations/index.js'
import { organizationsBackfill, organizationsVerify } from '../../src/backfill/index.js'
import { processOutbox } from '../../src/outbox/index.js'
import { currentOfficeRules, OFFICE_CAMPAIGN_ID_DROPPED } from '../../src/reads/index.js'
import { reconcile } from '../../src/reconcile/index.js'
import { addMember, phase2Bench, type Member, type Phase2Bench } from '../org-context/harness.js'

const fast = { throttle: false as const, pauseMs: 0, batchSize: 7 }
const yes = async () => ({ ok: true, evidence: 'test gate: yes' })

// The flags as the steps read them: every summary exact, the kill switch off; tests move them.
const summary = (stage: 'live' | 'shadow' | 'off' | 'on') => ({
  enabled: stage !== 'off',
  on: stage === 'off' ? 0 : 100,
  split: { off: stage === 'off' ? 100 : 0, shadow: stage === 'shadow' || stage === 'on' ? 100 : 0, live: stage === 'live' ? 100 : 0 },
  exact: true,
})
const status: FlagStatus = { source: 'files', serving: 'files', killSwitch: false, flags: {} }
const setFlag = (flag: FlagName, stage: 'live' | 'shadow' | 'off' | 'on') => (status.flags[flag] = summary(stage))
const flagStatus = async () => structuredClone(status)
const switched: string[] = []
const flagSwitch: FlagSwitch = {
  describe: () => 'test switch',
  unavailable: async () => null,
  async set(flag, on) {
    switched.push(`${flag}:${on ? 'on' : 'off'}`)
    setFlag(flag, on ? 'on' : 'off')
  },
}

let b: Phase2Bench
let win: Member // pro, no office
let serve: Member // pro, active office: its win and serve organizations share segments
let freeServe: Member // not pro, active office
let nonPro: Member // not pro, no office
let serveOwned: number // a segment owned by `serve`'s serve organization (shared with its win organization)

const steps = {
  dualWritesOff: dualWritesOffStep({ flagStatus, flagSwitch, settleMs: 1000 }),
  removeBrL2: removeBrL2Step({ flagStatus, job: fast }),
  removeBrL2Confirm: removeBrL2ConfirmStep(),
  campaignId: electedOfficeCampaignIdStep({ flagStatus, job: fast }),
  campaignIdConfirm: electedOfficeCampaignIdConfirmStep(),
}
const run = (step: ContractStep, action: 'apply' | 'rollback' = 'apply') => runContractStep(b.sql, step, { action, requireGate: yes })

type Answer = { status: number; json: unknown }
type Request = { user: number; org?: string | null; path: string }
let requests: Request[] = []
let before: Answer[] = []

async function answer(r: Request): Promise<Answer> {
  const res = await b.call('new', r.path, { user: r.user, ...(r.org ? { org: r.org } : {}) })
  return { status: res.status, json: res.json }
}
const answers = () => Promise.all(requests.map(answer))

type LegacyRows = { campaigns: readonly unknown[]; p2v: readonly unknown[]; offices: readonly unknown[]; filters: readonly unknown[] }
async function legacyRows(): Promise<LegacyRows> {
  // Plain arrays: postgres.js result arrays carry extra members toEqual would compare.
  return {
    campaigns: [...(await b.sql`SELECT id, details, data, updated_at::text FROM campaign ORDER BY id`)],
    p2v: [...(await b.sql`SELECT id, campaign_id, data, updated_at::text FROM path_to_victory ORDER BY id`)],
    offices: [...(await b.sql`SELECT to_jsonb(e) - 'organization_id' AS row FROM elected_office e ORDER BY id`)],
    filters: [...(await b.sql`SELECT to_jsonb(f) AS row FROM voter_file_filter f ORDER BY id`)],
  }
}

beforeAll(async () => {
  b = await phase2Bench({ users: 25, seed: 11 })
  win = await addMember(b.sql, { pro: true, filters: 2 })
  serve = await addMember(b.sql, { pro: true, office: true, pastOffice: true, filters: 3 })
  freeServe = await addMember(b.sql, { pro: false, office: true, filters: 2 })
  nonPro = await addMember(b.sql, { pro: false, filters: 1 })
  const [f] = await b.sql<{ id: number }[]>`
    INSERT INTO voter_file_filter (name, "audienceLikelyVoters", "partyRepublican", campaign_id, organization_id)
    VALUES ('Made in serve mode', true, true, ${serve.campaignId}, ${serve.serveOrg}) RETURNING id`
  serveOwned = f!.id
  // Phase 2 is done: segments belong to organizations, voter_file_filter.campaign_id is gone.
  setFlag(FLAG.voterFilters, 'live')
  expect((await runContractStep(b.sql, voterFilterOrganizationStep({ flagStatus }), { requireGate: yes })).outcome).toBe('applied')
  for (const f of [FLAG.reads, FLAG.switcher, FLAG.writes]) setFlag(f, 'live')
  setFlag(FLAG.dualWrite, 'on')

  const paths = (m: Member) => ['/v1/campaigns/mine', '/v1/elected-office/current', '/v1/organizations', '/v1/voters/voter-file/filters', ...[...m.filterIds, serveOwned].map((id) => `/v1/voters/voter-file/filter/${id}`)]
  for (const m of [win, serve, freeServe, nonPro])
    for (const org of [null, m.winOrg, m.serveOrg, m.pastOrg].filter((o, i) => i === 0 || o)) for (const path of paths(m)) requests.push({ user: m.userId, org, path })
  before = await answers()
}, 120_000)
afterAll(() => b?.close())

describe('the demo, before any cleanup step', () => {
  it('the serve user’s organizations share their campaign’s segments (what the split must keep)', async () => {
    const list = before[requests.findIndex((r) => r.user === serve.userId && r.org === serve.serveOrg && r.path.endsWith('/filters'))]!
    expect(list.status).toBe(200)
    expect((list.json as { id: number }[]).map((f) => f.id).sort()).toEqual([...serve.filterIds, serveOwned].sort())
    const nonProList = before[requests.findIndex((r) => r.user === nonPro.userId && r.path.endsWith('/filters'))]!
    expect(nonProList.status).toBe(403)
  })
})

describe('dual-writes-off', () => {
  it('refuses while a read or write flag is not live for everyone, or the outbox holds a write', async () => {
    setFlag(FLAG.writes, 'shadow')
    const r1 = await run(steps.dualWritesOff)
    expect(r1.outcome).toBe('refused')
    expect(r1.report).toContain('org.writes: 0 % live, 100 % shadow, 0 % off (needs 100 % live)')
    setFlag(FLAG.writes, 'live')
    await b.sql`INSERT INTO org_proxy.outbox (route, payload) VALUES ('campaigns.mine.district', ${b.sql.json({ userId: win.userId })})`
    const r2 = await run(steps.dualWritesOff)
    expect(r2.outcome).toBe('refused')
    expect(r2.report).toContain('outbox: 1 pending, 0 dead organization writes (needs none)')
    expect(switched).toEqual([])
    await processOutbox(b.sql, { ignoreSchedule: true })
  })

  it('switches org.dual-write off where the flags are read; the rollback switches it on', async () => {
    expect((await run(steps.dualWritesOff)).outcome).toBe('applied')
    expect(switched).toEqual(['org.dual-write:off'])
    expect((await run(steps.dualWritesOff)).outcome).toBe('already-applied')
    expect((await run(steps.dualWritesOff, 'rollback')).outcome).toBe('applied')
    expect(switched.at(-1)).toBe('org.dual-write:on')
    expect((await run(steps.dualWritesOff)).outcome).toBe('applied')
  })
})

describe('remove-br-l2', () => {
  let original: LegacyRows

  it('refuses while dual writes are on; confirm refuses before the removal ran', async () => {
    setFlag(FLAG.dualWrite, 'on')
    const r = await run(steps.removeBrL2)
    expect(r.outcome).toBe('refused')
    expect(r.report).toContain('org.dual-write: on for 100 % (needs off for everyone)')
    setFlag(FLAG.dualWrite, 'off')
    const c = await run(steps.removeBrL2Confirm)
    expect(c).toMatchObject({ outcome: 'refused', report: expect.arrayContaining(['remove-br-l2 has not run: nothing to confirm']) })
  })

  it('moves every BR and L2 key into the archive, in batches; the routes answer the same', async () => {
    original = await legacyRows()
    expect((await run(steps.removeBrL2)).outcome).toBe('applied')
    expect(await keysLeft(b.sql)).toEqual({ campaign: 0, path_to_victory: 0 })
    // The archive holds exactly the removed values, row by row.
    const archive = await b.sql<{ table_name: string; row_id: string; removed: Record<string, unknown> }[]>`
      SELECT table_name, row_id, removed FROM org_proxy.legacy_archive WHERE column_name IN ('details', 'data')`
    const byKey = new Map(archive.map((a) => [`${a.table_name}:${a.row_id}`, a.removed]))
    let moved = 0
    for (const [rows, table, column, keys] of [[original.campaigns, 'campaign', 'details', BR_FIELDS], [original.p2v, 'path_to_victory', 'data', L2_FIELDS]] as const) {
      for (const row of rows as { id: number; [k: string]: unknown }[]) {
        const value = row[column] as Record<string, unknown> | null
        const had = value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).filter(([k]) => (keys as readonly string[]).includes(k))) : {}
        if (Object.keys(had).length) moved++
        expect(byKey.get(`${table}:${row.id}`) ?? {}).toEqual(had)
      }
    }
    expect(archive.length).toBe(moved)
    expect(moved).toBeGreaterThan(20)
    // Nothing else changed: the rest of each row, and its updated_at.
    const now = await legacyRows()
    expect(now.campaigns.map((c) => ({ ...(c as object), details: undefined }))).toEqual(original.campaigns.map((c) => ({ ...(c as object), details: undefined })))
    expect(await answers()).toEqual(before)
  })

  it('phase 1 refuses to map the emptied rows: sync, reconcile, backfill, verify; the outbox holds its items', async () => {
    await expect(syncOrganizations(b.sql, { campaignIds: [win.campaignId] })).rejects.toBeInstanceOf(LegacySourceRetiredError)
    await expect(reconcile(b.sql, { throttle: false, pauseMs: 0 })).rejects.toThrow(/phase 1 sync is retired: the BR\/L2 keys were removed/)
    await expect(runJob(b.sql, organizationsBackfill, { ...fast, restart: true })).rejects.toBeInstanceOf(LegacySourceRetiredError)
    await expect(runJob(b.sql, organizationsVerify().job, { ...fast, checkpoint: false })).rejects.toBeInstanceOf(LegacySourceRetiredError)
    await b.sql`INSERT INTO org_proxy.outbox (route, payload) VALUES ('campaigns.mine.district', ${b.sql.json({ userId: win.userId })})`
    const r = await processOutbox(b.sql, { ignoreSchedule: true })
    expect(r).toEqual({ done: 0, retried: 0, dead: 0, held: 1 })
    const [item] = await b.sql`SELECT attempts, status FROM org_proxy.outbox`
    expect(item).toEqual({ attempts: 0, status: 'pending' })
    // The organizations kept their fields.
    const [o] = await b.sql`SELECT position_id FROM organization WHERE id = ${win.winOrg}`
    expect(o!.position_id).not.toBeNull()
  })

  it('rolls back: every legacy row exactly as it was; phase 1 works again (the held item is redone)', async () => {
    expect((await run(steps.removeBrL2, 'rollback')).outcome).toBe('applied')
    expect(await legacyRows()).toEqual(original)
    expect(await archiveCounts(b.sql, 'campaign', 'details')).toEqual({ rows: 0, keys: 0 })
    expect(await processOutbox(b.sql, { ignoreSchedule: true })).toEqual({ done: 1, retried: 0, dead: 0 })
    await reconcile(b.sql, { throttle: false, pauseMs: 0 })
  })

  it('applied again; confirm refuses while a key written back since is not removed, or the archive is short', async () => {
    expect((await run(steps.removeBrL2)).outcome).toBe('applied')
    // A legacy write puts a BR key back (gp-api's office picker).
    await b.sql`UPDATE campaign SET details = details || '{"positionId": "written-later"}' WHERE id = ${win.campaignId}`
    const c1 = await run(steps.removeBrL2Confirm)
    expect(c1.outcome).toBe('refused')
    expect(c1.report.join('\n')).toMatch(/campaign\.details: .* rows still holding keys: 1/)
    expect((await run(steps.removeBrL2)).outcome).toBe('applied') // due again: applied() saw the key
    const [a] = await b.sql`SELECT removed->>'positionId' AS p FROM org_proxy.legacy_archive WHERE table_name = 'campaign' AND row_id = ${String(win.campaignId)}`
    expect(a!.p).toBe('written-later')
    // An archive row missing: the counts disagree with what the removal recorded.
    const [gone] = await b.sql`DELETE FROM org_proxy.legacy_archive WHERE table_name = 'path_to_victory' AND column_name = 'data' AND row_id = (
      SELECT min(row_id) FROM org_proxy.legacy_archive WHERE table_name = 'path_to_victory') RETURNING *`
    const c2 = await run(steps.removeBrL2Confirm)
    expect(c2.outcome).toBe('refused')
    expect(c2.report.join('\n')).toMatch(/path_to_victory\.data: .*\(MISMATCH\)/)
    await b.sql`INSERT INTO org_proxy.legacy_archive ${b.sql(gone as Record<string, unknown>)}`
    expect(await answers()).toEqual(before)
  })
})

describe('elected-office-campaign-id', () => {
  let original: LegacyRows

  it('refuses until org.writes is live for everyone; confirm refuses before it ran', async () => {
    setFlag(FLAG.writes, 'shadow')
    expect((await run(steps.campaignId)).outcome).toBe('refused')
    setFlag(FLAG.writes, 'live')
    expect((await run(steps.campaignIdConfirm)).outcome).toBe('refused')
  })

  it('splits the shared segments, archives and drops the column; the routes answer the same but for the declared differences', async () => {
    original = await legacyRows()
    const applied = await run(steps.campaignId)
    expect(applied.outcome, applied.report.join('\n')).toBe('applied')
    const [col] = await b.sql`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'elected_office' AND column_name = 'campaign_id'`
    expect(col!.n).toBe(0)
    const archivedIds = await b.sql<{ row_id: string; removed: number }[]>`
      SELECT row_id, removed FROM org_proxy.legacy_archive WHERE table_name = 'elected_office' AND column_name = 'campaign_id' ORDER BY row_id`
    expect(archivedIds).toEqual((original.offices as { row: { id: string; campaign_id: number } }[]).map((o) => ({ row_id: o.row.id, removed: o.row.campaign_id })).sort((x, y) => (x.row_id < y.row_id ? -1 : 1)))
    // copy id -> source id, per organization (from the archive, while it is there).
    const split = await b.sql<{ org: string; copies: { id: number; source: number }[] }[]>`
      SELECT row_id AS org, removed->'copies' AS copies FROM org_proxy.legacy_archive WHERE table_name = 'organization' AND column_name = 'segments-split'`
    const sourceOf = new Map(split.flatMap((s) => s.copies.map((c) => [c.id, c.source] as const)))
    const copiesOf = (org: string | null) => split.find((s) => s.org === org)?.copies ?? []
    // The serve organization got its campaign's segments; the win organization the one made in serve mode.
    expect(copiesOf(serve.serveOrg).map((c) => c.source).sort()).toEqual([...serve.filterIds].sort())
    expect(copiesOf(serve.winOrg).map((c) => c.source)).toEqual([serveOwned])
    expect(copiesOf(win.winOrg)).toEqual([])

    const after = await answers()
    const officeRules = compileRules(currentOfficeRules())
    for (const [i, r] of requests.entries()) {
      const was = before[i]!
      const now = after[i]!
      const where = `${r.path} as user ${r.user} org ${r.org ?? '(default)'}`
      if (r.path === '/v1/elected-office/current') {
        const result = compare({ status: was.status, body: was.json }, { status: now.status, body: now.json }, officeRules)
        if (was.status === 200) {
          expect(result.outcome, where).toBe('expected')
          expect(result.differences.map((d) => [d.path, d.kind, d.reason]), where).toEqual([['campaignId', 'type', OFFICE_CAMPAIGN_ID_DROPPED]])
        } else expect(now, where).toEqual(was)
        continue
      }
      if (!r.path.startsWith('/v1/voters/')) {
        expect(now, where).toEqual(was)
        continue
      }
      // Segments, declared differences: a copy stands in for each segment the organization saw and does
      // not own (its own id, the organization its owner), and a serve organization names no campaign.
      const viewer = viewerOrg(r)
      const serveView = await isServeView(viewer)
      const copied = new Map(copiesOf(viewer).map((c) => [c.source, c.id]))
      const wasSeen = (s: Record<string, unknown>) => ({ ...s, ...(copied.has(s.id as number) ? { organizationId: viewer } : {}), ...(serveView ? { campaignId: null } : {}) })
      const nowSeen = (s: Record<string, unknown>) => ({ ...s, id: sourceOf.get(s.id as number) ?? s.id })
      if (r.path.endsWith('/filters')) {
        if (was.status !== 200) {
          expect(now, where).toEqual(was)
          continue
        }
        const byId = (xs: Record<string, unknown>[]) => [...xs].sort((x, y) => (x.id as number) - (y.id as number))
        expect(now.status, where).toBe(200)
        expect(byId((now.json as Record<string, unknown>[]).map(nowSeen)), where).toEqual(byId((was.json as Record<string, unknown>[]).map(wasSeen)))
        continue
      }
      // One segment by id: what the organization saw by the original's id it now sees by its copy's.
      const id = Number(r.path.split('/').at(-1))
      const copy = copied.get(id)
      const seen = copy === undefined ? now : await answer({ ...r, path: `/v1/voters/voter-file/filter/${copy}` })
      if (copy !== undefined) expect(now.status, where).toBe(404)
      if (was.status !== 200) expect(seen, where).toEqual(was)
      else expect({ status: seen.status, json: nowSeen(seen.json as Record<string, unknown>) }, where).toEqual({ status: 200, json: wasSeen(was.json as Record<string, unknown>) })
    }
  })

  it('rolls back: the column, its values, its foreign key; the copies gone; the routes answer exactly as before', async () => {
    expect((await run(steps.campaignId, 'rollback')).outcome).toBe('applied')
    expect(await legacyRows()).toEqual(original)
    const [fk] = await b.sql`SELECT convalidated FROM pg_constraint WHERE conname = 'elected_office_campaign_id_fkey'`
    expect(fk).toEqual({ convalidated: true })
    expect(await answers()).toEqual(before)
  })

  it('applied again, then both confirm steps drop their archives; no rollback after that', async () => {
    expect((await run(steps.campaignId)).outcome).toBe('applied')
    expect((await run(steps.campaignIdConfirm)).outcome).toBe('applied')
    expect((await run(steps.removeBrL2Confirm)).outcome).toBe('applied')
    const [left] = await b.sql`SELECT count(*)::int AS n FROM org_proxy.legacy_archive`
    expect(left!.n).toBe(0)
    for (const s of [steps.campaignId, steps.removeBrL2]) {
      const r = await run(s, 'rollback')
      expect(r.outcome).toBe('refused')
      expect(r.report[0]).toMatch(/^confirmed .*: the archive was dropped, nothing to put back$/)
    }
    // Confirmed, the reads hold: the organization (and its own segments) are all there is.
    const now = await answers()
    for (const [i, r] of requests.entries()) if (r.path === '/v1/campaigns/mine' || r.path === '/v1/organizations') expect(now[i]).toEqual(before[i])
  })
})

function viewerOrg(r: Request): string {
  if (r.org) return r.org
  // The guard's default organization: the caller's newest campaign's win organization.
  return [win, serve, freeServe, nonPro].find((x) => x.userId === r.user)!.winOrg
}

async function isServeView(org: string): Promise<boolean> {
  const [row] = await b.sql<{ kind: string }[]>`SELECT kind FROM organization WHERE id = ${org}`
  return row?.kind === 'serve'
}
