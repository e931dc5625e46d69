// A fresh database for the phase 1 tests: the legacy baseline, the proxy's migrations and, when asked,
// the generated data set. On DATABASE_URL a new database per call; otherwise an embedded PGlite (its
// `url` is a loopback socket that child processes such as the CLIs can connect to).
import { applyLegacyBaseline, migrateProxy } from '../../src/db/migrate.js'
import { seed } from '../../src/seed/index.js'
import { freshDatabase, type TestDatabase } from '../helpers/db.js'

export type Phase1Database = TestDatabase

export const onPostgres = Boolean(process.env.DATABASE_URL)

/** @example const db = await phase1Database({ users: 500 }) */
export async function phase1Database(opts: { users?: number; seed?: number; migrate?: boolean; max?: number } = {}): Promise<Phase1Database> {
  const db = await freshDatabase({ max: opts.max ?? 10 })
  try {
    await applyLegacyBaseline(db.sql)
    if (opts.users) await seed(db.sql, { users: opts.users, seed: opts.seed ?? 1 })
    if (opts.migrate !== false) await migrateProxy(db.sql)
    return db
  } catch (err) {
    await db.close()
    throw err
  }
}

/** Polls `check` until it returns true (or throws after `ms`). */
export async function eventually(check: () => Promise<boolean>, ms = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms
  for (;;) {
    if (await check()) return
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** Runs verify (read-only) over the whole database and returns its drift report. */
export async function verifyReport(sql: Phase1Database['sql']) {
  const { organizationsVerify } = await import('../../src/backfill/index.js')
  const { runJob } = await import('../../src/jobs/index.js')
  const { job, report } = organizationsVerify()
  await runJob(sql, job, { checkpoint: false, throttle: false, pauseMs: 0, batchSize: 5000 })
  return report
}

/** A user row (legacy "user"); roles default to candidate. */
export async function addUser(sql: Phase1Database['sql'], roles: string[] = ['candidate'], name = 'Jane Doe'): Promise<number> {
  const [row] = await sql<{ id: number }[]>`
    INSERT INTO "user" (email, name, roles) VALUES (${`u${Math.random().toString(36).slice(2)}@example.org`}, ${name}, ${roles}) RETURNING id`
  return row!.id
}

/** The organization linked to a campaign (or office), its dates as YYYY-MM-DD text. */
export async function organizationOf(sql: Phase1Database['sql'], link: { campaignId: number } | { officeId: string }) {
  const { fieldSelectSql } = await import('../../src/organizations/index.js')
  const [row] =
    'campaignId' in link
      ? await sql`SELECT o.id::text, o.owner_id, o.kind, ${sql.unsafe(fieldSelectSql('o'))}, o.legacy_synced_at
          FROM campaign c JOIN organization o ON o.id = c.organization_id WHERE c.id = ${link.campaignId}`
      : await sql`SELECT o.id::text, o.owner_id, o.kind, ${sql.unsafe(fieldSelectSql('o'))}, o.legacy_synced_at
          FROM elected_office e JOIN organization o ON o.id = e.organization_id WHERE e.id = ${link.officeId}::uuid`
  return row as Record<string, any> | undefined
}
