// The migrate and seed commands: one clear line and a non-zero exit on bad arguments or configuration,
// and a full run against the test database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshDatabase, type TestDatabase } from '../helpers/db.js'
import { run as runMigrate, type Io } from '../../src/cli/migrate.js'
import { run as runSeed } from '../../src/cli/seed.js'

function io(env: Record<string, string | undefined> = {}): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = []
  const errors: string[] = []
  return { env, lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) }
}

describe('npm run migrate / npm run seed: arguments and configuration', () => {
  it.each([
    [runMigrate, ['--bogus'], /^migrate: Unknown option '--bogus'/],
    [runMigrate, [], /^migrate: DATABASE_URL is required/],
    [runSeed, [], /^seed: missing --users N/],
    [runSeed, ['--users', 'ten'], /^seed: --users must be a whole number from 1 to 20000000, got "ten"/],
    [runSeed, ['--users', '10', '--seed', '-3'], /^seed: /],
    [runSeed, ['--users', '10', '--verbose'], /^seed: Unknown option '--verbose'/],
    [runSeed, ['--users', '10'], /^seed: DATABASE_URL is required/],
  ])('%o %o answers one line and exit code 2', async (run, argv, line) => {
    const o = io()
    expect(await run(argv, o)).toBe(2)
    expect(o.errors).toHaveLength(1)
    expect(o.errors[0]).toMatch(line)
  })

  it('reports a bad DATABASE_URL through the config check', async () => {
    const o = io({ DATABASE_URL: 'mysql://nope' })
    expect(await runMigrate([], o)).toBe(2)
    expect(o.errors).toEqual(['migrate: DATABASE_URL: expected a postgres:// URL (got "…")'])
  })

  it('reports an unreachable database in one line, exit code 1', async () => {
    const o = io({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing' })
    expect(await runMigrate([], o)).toBe(1)
    expect(o.errors).toHaveLength(1)
    expect(o.errors[0]).toMatch(/^migrate: cannot reach the database \(ECONNREFUSED\)/)
  })
})

describe('npm run migrate / npm run seed: against a database', () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await freshDatabase()
  }, 120_000)
  afterAll(() => db?.close())

  // Seed first: it creates the legacy tables that later proxy migrations extend.
  it('seeds, then refuses to seed again', async () => {
    const first = io({ DATABASE_URL: db.url })
    expect(await runSeed(['--users', '50', '--seed', '3'], first)).toBe(0)
    expect(first.lines.at(-1)).toMatch(/^seed: done in/)
    expect(await db.sql`select count(*)::int as n from "user"`).toEqual([{ n: 50 }])
    const second = io({ DATABASE_URL: db.url })
    expect(await runSeed(['--users', '50'], second)).toBe(1)
    expect(second.errors).toEqual([expect.stringMatching(/^seed: refusing to seed: legacy tables already hold rows/)])
  })

  it('migrates, then has nothing to do', async () => {
    const first = io({ DATABASE_URL: db.url })
    expect(await runMigrate([], first)).toBe(0)
    expect(first.lines.some((l) => l.startsWith('applied 0001_proxy_schema.sql'))).toBe(true)
    const second = io({ DATABASE_URL: db.url })
    expect(await runMigrate([], second)).toBe(0)
    expect(second.lines.at(-1)).toMatch(/^migrate: nothing to do/)
  })
})
