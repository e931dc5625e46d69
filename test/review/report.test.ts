// The diff report over recorded comparisons: counts per origin, match and mismatch rates, field paths
// judged against the noise baseline (Diffy's rule), groups by signature, filters, latency per side,
// and `npm run diffs` in text and JSON with its one-line errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { run as diffs } from '../../src/cli/diffs.js'
import { buildReport, classifyField, reviewFilter, type Report } from '../../src/review/index.js'
import type { TestDatabase } from '../helpers/db.js'
import { reviewDatabase } from './stack.js'
import { insertRows, ORG, times } from './rows.js'

let db: TestDatabase
const DRIFT = 'pathToVictory.data.electionLocation:changed'
const CLOCK = 'meta.generatedAt:changed'

beforeAll(async () => {
  db = await reviewDatabase()
  const old = new Date(Date.now() - 3 * 3600_000)
  await insertRows(db.sql, [
    // 200 shadow comparisons over 100 organizations: 180 match, 12 drift, 8 differ only in a clock field.
    ...times(180, { legacy_ms: 10, new_ms: 12 }).map((r, i) => ({ ...r, organization_id: ORG((i % 100) + 1) })),
    ...times(12, { keys: [DRIFT], legacy_ms: 11, new_ms: 13 }),
    ...times(8, { keys: [CLOCK] }),
    // the noise baseline: legacy against itself differs in the clock field as often
    ...times(16, { origin: 'noise', outcome: 'match' }),
    ...times(4, { origin: 'noise', keys: [CLOCK] }),
    // errors per side, a skipped shadow, a verify match, and another route and flag
    { outcome: 'new-error', error: 'candidate:threw: boom', new_status: 500 },
    { outcome: 'timeout', error: 'candidate:timeout: no answer within 2000 ms', new_ms: 2000 },
    { outcome: 'legacy-error', error: 'legacy:transport: headers timeout', legacy_status: null },
    { outcome: 'skipped', skip_cause: 'concurrency-cap' },
    { origin: 'verify', stage: 'live' },
    ...times(5, { route: 'other.route', flag: 'org.switcher' }),
    // outside the default window
    ...times(50, { keys: [DRIFT], at: old }),
  ])
})
afterAll(() => db?.close())

const route = (r: Report, id = 'test.route') => r.routes.find((x) => x.route === id)!

describe('the report', () => {
  it('counts each origin, and rates the traffic (shadow + verify) only', async () => {
    const r = route(await buildReport(db.sql, reviewFilter({ since: '1h' })))
    expect(r.flag).toBe('org.reads')
    expect(r.byOrigin.shadow).toMatchObject({ match: 180, mismatch: 20, newError: 1, timeout: 1, legacyError: 1, legacyTimeout: 1, skipped: 1 })
    expect(r.byOrigin.verify).toMatchObject({ total: 1, match: 1 })
    expect(r.byOrigin.noise).toMatchObject({ compared: 20, mismatch: 4 })
    expect(r.traffic.compared).toBe(201)
    expect(r.traffic.orgs).toBe(100)
    expect(r.matchRate).toBeCloseTo(181 / 201)
    expect(r.mismatchRate).toBeCloseTo(20 / 201)
  })

  it('reports a field as a mismatch only beyond its noise; noise fields apart', async () => {
    const r = route(await buildReport(db.sql, reviewFilter({ since: '1h' })))
    expect(r.fields.map((f) => f.key)).toEqual([DRIFT])
    expect(r.fields[0]).toMatchObject({ path: 'pathToVictory.data.electionLocation', kind: 'changed', raw: 12, verdict: 'mismatch' })
    expect(r.fields[0]!.rawRate).toBeCloseTo(12 / 201)
    expect(r.fields[0]!.examples).toHaveLength(3)
    expect(r.noiseFields).toMatchObject([{ key: CLOCK, raw: 8, noise: 4, verdict: 'noise' }])
    // only the drift's 12 comparisons are real mismatches
    expect(r.adjusted.mismatches).toBe(12)
  })

  it('groups mismatches by signature with share, organizations and examples', async () => {
    const r = route(await buildReport(db.sql, reviewFilter({ since: '1h' })))
    expect(r.groups.map((g) => [g.keys, g.count, g.orgs, g.status])).toEqual([
      [[DRIFT], 12, 12, 'open'],
      [[CLOCK], 8, 8, 'open'],
    ])
    expect(r.groups[0]!.share).toBeCloseTo(12 / 20)
    expect(r.groups[0]!.signature).toMatch(/^[0-9a-f]{12}$/)
  })

  it('gives p50 and p99 per side', async () => {
    const r = route(await buildReport(db.sql, reviewFilter({ since: '1h' })))
    expect(r.latency!.legacy.p50).toBe(10)
    expect(r.latency!.new.p50).toBe(12)
    expect(r.latency!.new.p99).toBeGreaterThan(r.latency!.legacy.p99!)
  })

  it('filters by route, flag, organization and window', async () => {
    expect((await buildReport(db.sql, reviewFilter({ since: '1h', route: 'other.route' }))).routes.map((r) => r.route)).toEqual(['other.route'])
    expect((await buildReport(db.sql, reviewFilter({ since: '1h', flag: 'org.switcher' }))).routes.map((r) => r.route)).toEqual(['other.route'])
    const one = route(await buildReport(db.sql, reviewFilter({ since: '1h', org: ORG(3) })))
    expect(one.traffic.orgs).toBe(1)
    const wide = route(await buildReport(db.sql, reviewFilter({ since: '6h' })))
    expect(wide.byOrigin.shadow!.mismatch).toBe(70)
    const old = route(await buildReport(db.sql, reviewFilter({ since: '6h', until: '2h' })))
    expect(old.byOrigin.shadow!.total).toBe(50)
  })

  it('draws the timeline in buckets', async () => {
    const r = route(await buildReport(db.sql, reviewFilter({ since: '6h' }), { buckets: 6 }))
    expect(r.timeline.points.length).toBe(2)
    expect(r.timeline.points.reduce((n, p) => n + p.compared, 0)).toBe(r.traffic.compared)
  })
})

describe("Diffy's rule", () => {
  const n = (raw: number, noise: number) => ({ raw, rawTotal: 10_000, noise, noiseTotal: 1_000 })

  it('a field differing as often between two legacy answers is noise', () => {
    expect(classifyField('a:changed', n(500, 50)).verdict).toBe('noise') // 5 % vs 5 %
    expect(classifyField('a:changed', n(650, 50)).verdict).toBe('noise') // 6.5 % vs 5 %: 13 % relative
  })

  it('beyond 20 % relative and 0.03 % absolute it is a mismatch', () => {
    const f = classifyField('a:changed', n(800, 50)) // 8 % vs 5 %: 23 % relative, 3 % absolute
    expect(f.verdict).toBe('mismatch')
    expect(f.relative).toBeCloseTo(3 / 13)
    expect(f.absolute).toBeCloseTo(0.03)
  })

  it('without noise, a rate under the absolute margin is too rare to count', () => {
    expect(classifyField('a:changed', n(2, 0)).verdict).toBe('rare') // 0.02 %
    expect(classifyField('a:changed', n(4, 0)).verdict).toBe('mismatch') // 0.04 %
  })

  it('takes other margins', () => {
    expect(classifyField('a:changed', n(650, 50), { relative: 0.1, absolute: 0.0003 }).verdict).toBe('mismatch')
    expect(classifyField('a:changed', n(4, 0), { relative: 0.2, absolute: 0.001 }).verdict).toBe('rare')
  })

  it('splits a key into path and kind, status codes kept', () => {
    expect(classifyField('$status:changed:200>404', n(10, 0))).toMatchObject({ path: '$status', kind: 'changed:200>404' })
    expect(classifyField('["a:b"].c:missing', n(10, 0))).toMatchObject({ path: '["a:b"].c', kind: 'missing' })
  })
})

describe('npm run diffs', () => {
  const io = (env: Record<string, string | undefined> = { DATABASE_URL: db.url }) => {
    const out: string[] = []
    const err: string[] = []
    return { out, err, io: { env, out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) } }
  }

  it('prints each route with its drifted field, noise apart', async () => {
    const t = io()
    expect(await diffs(['--since', '1h'], t.io)).toBe(0)
    const text = t.out.join('\n')
    expect(text).toContain('== test.route  (flag org.reads)')
    expect(text).toMatch(/pathToVictory\.data\.electionLocation changed {2}12×/)
    expect(text).toMatch(/noise[^\n]*\n {2}meta\.generatedAt changed {2}8×[^\n]*\[noise\]/)
    expect(text).toContain('== other.route')
  })

  it('--json gives the report to machines; --route narrows it', async () => {
    const t = io()
    expect(await diffs(['--route', 'test.route', '--json'], t.io)).toBe(0)
    const report = JSON.parse(t.out.join('\n'))
    expect(report.routes).toHaveLength(1)
    expect(report.routes[0].fields[0].key).toBe(DRIFT)
  })

  it('takes the noise margins', async () => {
    const t = io()
    // 12 of 201 (6 %) is under a 10 % absolute margin
    expect(await diffs(['--route', 'test.route', '--since', '1h', '--json', '--absolute', '10%'], t.io)).toBe(0)
    const r = JSON.parse(t.out.join('')).routes[0]
    expect(r.fields).toEqual([])
    expect(r.noiseFields.map((f: { key: string; verdict: string }) => [f.key, f.verdict])).toEqual([[DRIFT, 'rare'], [CLOCK, 'noise']])
  })

  it('says in one line what is wrong', async () => {
    const cases: [string[], Record<string, string | undefined>, number, RegExp][] = [
      [[], {}, 2, /^diffs: DATABASE_URL is not set/],
      [['--since', 'yesterday'], { DATABASE_URL: db.url }, 2, /not a time: "yesterday"/],
      [['--org', 'nope'], { DATABASE_URL: db.url }, 2, /--org must be an organization UUID/],
      [['--bogus'], { DATABASE_URL: db.url }, 2, /Unknown option '--bogus'/],
      [['--since', '2026-01-02', '--until', '2026-01-01'], { DATABASE_URL: db.url }, 2, /the window is empty/],
      [[], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' }, 1, /^diffs: cannot reach the database/],
    ]
    for (const [argv, env, code, message] of cases) {
      const t = io(env)
      expect(await diffs(argv, t.io), argv.join(' ')).toBe(code)
      expect(t.err).toHaveLength(1)
      expect(t.err[0]).toMatch(message)
    }
  })
})
