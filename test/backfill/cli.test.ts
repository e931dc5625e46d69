// The job commands as people run them: one clear line on bad arguments, the summary and the drift
// report on stdout, exit codes that scripts can act on (0 done, 1 drift or failure, 2 usage).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { run as backfillCli } from '../../src/cli/backfill.js'
import { run as reconcileCli } from '../../src/cli/reconcile.js'
import { phase1Database, type Phase1Database } from '../organizations/harness.js'

let db: Phase1Database
beforeAll(async () => {
  db = await phase1Database({ users: 120, seed: 2 })
})
afterAll(() => db?.close())

function io(env: Record<string, string | undefined> = { DATABASE_URL: db.url }) {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { env, out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) } }
}

describe('npm run backfill / npm run reconcile', () => {
  it('refuses bad arguments with one line and exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [[], /missing the job to run/],
      [['voters'], /unknown job "voters"/],
      [['organizations', '--batch-size', '0'], /--batch-size must be a whole number from 1/],
      [['organizations', '--verify', '--dry-run'], /--verify writes nothing/],
      [['organizations', '--bogus'], /Unknown option '--bogus'/],
    ]
    for (const [argv, message] of cases) {
      const c = io()
      expect(await backfillCli(argv, c.io)).toBe(2)
      expect(c.err).toHaveLength(1)
      expect(c.err[0]).toMatch(message)
    }
    const noDb = io({})
    expect(await backfillCli(['organizations'], noDb.io)).toBe(2)
    expect(noDb.err[0]).toMatch(/DATABASE_URL is required/)
  })

  it('dry run, run, verify clean (exit 0), verify with drift (exit 1), reconcile repairs it', async () => {
    let c = io()
    expect(await backfillCli(['organizations', '--dry-run'], c.io)).toBe(0)
    expect(c.out[0]).toMatch(/^organizations would create: \d+$/)
    c = io()
    expect(await backfillCli(['organizations', '--batch-size', '50', '--pause-ms', '0'], c.io)).toBe(0)
    expect(c.out.join('\n')).toMatch(/exact\s+\d+/)
    c = io()
    expect(await backfillCli(['organizations', '--verify'], c.io)).toBe(0)
    expect(c.out).toContain('  no drift')
    await db.sql`UPDATE organization SET district_source = 'Tampered' WHERE id = (SELECT organization_id FROM campaign ORDER BY id LIMIT 1)`
    c = io()
    expect(await backfillCli(['organizations', '--verify'], c.io)).toBe(1)
    expect(c.out.join('\n')).toContain('district_source (pathToVictory.data.source): 1')
    c = io()
    expect(await reconcileCli(['--deep', '--pause-ms', '0'], c.io)).toBe(0)
    expect(c.out[0]).toMatch(/^reconcile \(deep\): finished; examined \d+, created 0, repaired 1/)
    expect(c.out).toContain('  district_source: 1')
    c = io()
    expect(await backfillCli(['organizations', '--verify'], c.io)).toBe(0)
  })
})
