// Stage gates over recorded comparisons: enough comparisons across enough organizations, the
// noise-adjusted mismatch rate (triaged-expected and replay-verified fixes excused), errors and p99
// against legacy; `npm run gate` prints the evidence, exits 1 on no, and records every answer (an
// override only with a written reason); the contract steps' hook.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { run as gate } from '../../src/cli/gate.js'
import type { RequireGate } from '../../src/contract/types.js'
import { addMark, checkGate, contractGate } from '../../src/review/index.js'
import type { TestDatabase } from '../helpers/db.js'
import { insertRows, ORG, times } from './rows.js'
import { reviewDatabase } from './stack.js'

let db: TestDatabase
const LAX = { minComparisons: 100, minOrgs: 20, maxMismatchRate: 0.01 }
const DRIFT = 'pathToVictory.data.electionLocation:changed'

beforeAll(async () => {
  db = await reviewDatabase()
  await insertRows(db.sql, [
    ...times(120, { flag: 'f.good', route: 'good.route', legacy_ms: 20, new_ms: 12 }),
    ...times(100, { flag: 'f.few', route: 'few.route' }).map((r, i) => ({ ...r, organization_id: ORG((i % 5) + 1) })),
    ...times(100, { flag: 'f.drift', route: 'drift.route' }),
    ...times(5, { flag: 'f.drift', route: 'drift.route', keys: [DRIFT] }),
    ...times(100, { flag: 'f.errors', route: 'errors.route' }),
    ...times(5, { flag: 'f.errors', route: 'errors.route', outcome: 'new-error', error: 'candidate:threw: db down' }),
    ...times(100, { flag: 'f.slow', route: 'slow.route', legacy_ms: 10, new_ms: 80 }),
  ])
})
afterAll(() => db?.close())

const check = (name: string, r: Awaited<ReturnType<typeof checkGate>>) => r.checks.find((c) => c.name.startsWith(name))!

describe('checkGate', () => {
  it('says yes with enough clean evidence, and shows it', async () => {
    const r = await checkGate(db.sql, 'f.good', 'live', LAX)
    expect(r.ok).toBe(true)
    expect(r.evidence).toMatchObject({ comparisons: 120, organizations: 120, mismatches: 0, adjustedMismatches: 0, newErrors: 0, p99: { legacy: 20, new: 12 } })
    expect(r.checks.every((c) => c.ok)).toBe(true)
  })

  it('says no with its defaults on little traffic', async () => {
    const r = await checkGate(db.sql, 'f.good', 'live')
    expect(r.ok).toBe(false)
    expect(check('comparisons', r)).toMatchObject({ ok: false, actual: '120', required: '≥ 500' })
    expect(check('organizations', r)).toMatchObject({ ok: true, required: '≥ 50' })
    expect((await checkGate(db.sql, 'f.good', '100')).options).toMatchObject({ minComparisons: 2000, minOrgs: 200, maxMismatchRate: 0.001 })
  })

  it('counts organizations, not requests', async () => {
    const r = await checkGate(db.sql, 'f.few', 'live', LAX)
    expect(r.evidence.organizations).toBe(5)
    expect(check('organizations', r).ok).toBe(false)
  })

  it('says no over the mismatch rate, naming the field', async () => {
    const r = await checkGate(db.sql, 'f.drift', 'live', LAX)
    expect(r.ok).toBe(false)
    expect(check('mismatch rate', r).ok).toBe(false)
    expect(r.evidence.routes[0]).toMatchObject({ route: 'drift.route', mismatches: 5, adjustedMismatches: 5, topFields: [DRIFT] })
  })

  it('says no when the new side errs more than legacy, or its p99 is worse', async () => {
    const errors = await checkGate(db.sql, 'f.errors', 'live', LAX)
    expect(check('new error rate', errors).ok).toBe(false)
    expect(errors.evidence.newErrors).toBe(5)
    const slow = await checkGate(db.sql, 'f.slow', 'live', LAX)
    expect(check('p99 latency', slow)).toMatchObject({ ok: false, actual: 'new 80.0 ms' })
    expect(await checkGate(db.sql, 'f.slow', 'live', { ...LAX, latencyTolerance: 10 })).toMatchObject({ ok: true })
  })

  it('excuses a group triaged as expected', async () => {
    const [row] = await db.sql<{ signature: string }[]>`select signature from org_proxy.comparison where route = 'drift.route' and signature is not null limit 1`
    await addMark(db.sql, { route: 'drift.route', signature: row!.signature, mark: 'expected', reason: 'districts renamed on purpose', by: 'alice' })
    const r = await checkGate(db.sql, 'f.drift', 'live', LAX)
    expect(r.ok).toBe(true)
    expect(r.evidence).toMatchObject({ mismatches: 5, adjustedMismatches: 0 })
    await addMark(db.sql, { route: 'drift.route', signature: row!.signature, mark: 'bug', by: 'bob' })
    expect((await checkGate(db.sql, 'f.drift', 'live', LAX)).ok).toBe(false)
  })

  it('excuses a fixed group once a replay requested after the mark found it matching, and only its older comparisons', async () => {
    await insertRows(db.sql, [...times(100, { flag: 'f.fixed', route: 'fixed.route' }), ...times(4, { flag: 'f.fixed', route: 'fixed.route', keys: [DRIFT] })])
    const [row] = await db.sql<{ id: string; signature: string }[]>`select id, signature from org_proxy.comparison where route = 'fixed.route' and signature is not null order by id limit 1`
    await addMark(db.sql, { route: 'fixed.route', signature: row!.signature, mark: 'fixed', by: 'alice' })
    expect((await checkGate(db.sql, 'f.fixed', 'live', LAX)).ok).toBe(false)
    const [run] = await db.sql<{ id: string }[]>`
      insert into org_proxy.replay_run (route, signature, max_requests, requested_by, status, started_at, finished_at)
      values ('fixed.route', ${row!.signature}, 10, 'alice', 'done', now(), now()) returning id`
    await db.sql`
      insert into org_proxy.replay_item (run_id, comparison_id, route, method, path, was_signature, outcome)
      values (${run!.id}, ${row!.id}, 'fixed.route', 'GET', '/v1/test', ${row!.signature}, 'match')`
    const after = await checkGate(db.sql, 'f.fixed', 'live', LAX)
    expect(after.evidence).toMatchObject({ mismatches: 4, adjustedMismatches: 0 })
    expect(after.ok).toBe(true)
    // the same mismatch again after the verified fix is a regression, and counts
    await insertRows(db.sql, times(2, { flag: 'f.fixed', route: 'fixed.route', keys: [DRIFT], at: new Date(Date.now() + 1000) }))
    const regressed = await checkGate(db.sql, 'f.fixed', 'live', { ...LAX, now: new Date(Date.now() + 5000) })
    expect(regressed.evidence.adjustedMismatches).toBe(2)
  })
})

describe('npm run gate', () => {
  const io = (env: Record<string, string | undefined> = { DATABASE_URL: db.url }) => {
    const out: string[] = []
    const err: string[] = []
    return { out, err, io: { env, out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) } }
  }
  const lax = ['--min-comparisons', '100', '--min-orgs', '20', '--max-mismatch-rate', '1%']

  it('prints the evidence and exits 0 on yes, 1 on no; every answer is recorded', async () => {
    const yes = io({ DATABASE_URL: db.url, ADMIN_TOKEN: 'carol:carol-secret-0123456789' })
    expect(await gate(['f.good', ...lax], yes.io)).toBe(0)
    expect(yes.out.join('\n')).toMatch(/^gate f\.good → live: YES/)
    const no = io()
    expect(await gate(['f.errors', '--to', '100', ...lax], no.io)).toBe(1)
    expect(no.out.join('\n')).toMatch(/gate f\.errors → 100: NO[\s\S]*FAIL new error rate/)
    const rows = await db.sql`select flag, target, passed, overridden, decided_by, source from org_proxy.gate_decision where source = 'cli' order by id`
    expect(rows.slice(-2)).toMatchObject([
      { flag: 'f.good', target: 'live', passed: true, overridden: false, decided_by: 'carol', source: 'cli' },
      { flag: 'f.errors', target: '100', passed: false, overridden: false },
    ])
  })

  it('an override needs a written reason and is recorded with who, why and the evidence', async () => {
    const short = io()
    expect(await gate(['f.errors', ...lax, '--override', 'because'], short.io)).toBe(2)
    expect(short.err[0]).toMatch(/--override needs a written reason/)
    const t = io({ DATABASE_URL: db.url })
    expect(await gate(['f.errors', ...lax, '--override', 'errors are the 5xx of a known legacy bug', '--operator', 'dave'], t.io)).toBe(0)
    expect(t.out.join('\n')).toMatch(/OVERRIDDEN by dave: errors are the 5xx of a known legacy bug/)
    const [row] = await db.sql<{ passed: boolean; overridden: boolean; override_reason: string; decided_by: string; evidence: { newErrors: number; checks: unknown[] } }[]>`
      select * from org_proxy.gate_decision order by id desc limit 1`
    expect(row).toMatchObject({ passed: false, overridden: true, override_reason: 'errors are the 5xx of a known legacy bug', decided_by: 'dave' })
    expect(row!.evidence.newErrors).toBe(5)
    expect(row!.evidence.checks).toHaveLength(5)
  })

  it('--json, and one-line errors', async () => {
    const t = io()
    expect(await gate(['f.good', ...lax, '--json'], t.io)).toBe(0)
    expect(JSON.parse(t.out.join('\n'))).toMatchObject({ ok: true, flag: 'f.good', target: 'live', evidence: { comparisons: 120 } })
    for (const [argv, env, message] of [
      [[], { DATABASE_URL: db.url }, /missing the flag/],
      [['f.good', '--to', 'sideways'], { DATABASE_URL: db.url }, /--to is one of live, 100, contract/],
      [['f.good', '--window', 'forever'], { DATABASE_URL: db.url }, /not a duration/],
      [['f.good'], {}, /DATABASE_URL is not set/],
    ] as const) {
      const e = io(env)
      expect(await gate([...argv], e.io)).toBe(2)
      expect(e.err).toHaveLength(1)
      expect(e.err[0]).toMatch(message)
    }
  })
})

describe('the contract steps’ gate', () => {
  it('judges the step’s flag, records the decision and returns printable evidence', async () => {
    const requireGate: RequireGate = contractGate(db.sql, { by: 'runner', options: LAX })
    const step = { name: 'voter-filter-organization', phase: 2, summary: 's', gateFlag: 'f.good', precondition: async () => ({ ok: true, report: [] }), applied: async () => false, apply: [] } as const
    const yes = await requireGate(step)
    expect(yes.ok).toBe(true)
    expect(yes.evidence).toMatch(/^gate f\.good → contract: YES/)
    const no = await requireGate({ ...step, gateFlag: 'f.errors' })
    expect(no.ok).toBe(false)
    const rows = await db.sql`select flag, target, step, passed, source, decided_by from org_proxy.gate_decision where source = 'contract' order by id`
    expect(rows).toMatchObject([
      { flag: 'f.good', target: 'contract', step: 'voter-filter-organization', passed: true, decided_by: 'runner' },
      { flag: 'f.errors', passed: false },
    ])
  })

  it('judges dual writes by the reads that compare what they wrote, and refuses an unmapped step', async () => {
    const requireGate = contractGate(db.sql, { options: LAX })
    const r = await requireGate({ name: 'organization-not-null', gateFlag: 'org.dual-write' })
    expect(r.results.map((x) => x.flag)).toEqual(['org.reads'])
    const unknown = await requireGate('reticulate-splines')
    expect(unknown).toMatchObject({ ok: false, results: [] })
    expect(unknown.evidence).toMatch(/no stage gate is defined for contract step "reticulate-splines"/)
  })
})
