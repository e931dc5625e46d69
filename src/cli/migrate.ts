// `npm run migrate`: applies the proxy's pending migrations (sql/migrations) to the PostgreSQL at
// DATABASE_URL, for deploys that migrate before starting replicas (MIGRATE_ON_START=false).
import { parseArgs } from 'node:util'
import { openDatabase } from '../db/index.js'
import { migrateProxy } from '../db/migrate.js'
import { describeFailure as describe } from '../jobs/cli.js'
import { databaseUrl, failWith, isMain, runAsProcess, UsageError, type Io } from './io.js'

const fail = failWith('migrate')

const USAGE = `usage: npm run migrate
  applies the proxy's pending migrations (sql/migrations) to DATABASE_URL and records them in
  org_proxy.schema_migrations; safe to run from several replicas at once (advisory lock)`

export type { Io }

/** Runs the command; returns the exit code (0 done, 1 a migration failed, 2 bad arguments or configuration). */
export async function run(argv: string[], io: Io): Promise<number> {
  try {
    const { values } = parseArgs({ args: argv, strict: true, allowPositionals: false, options: { help: { type: 'boolean', short: 'h' } } })
    if (values.help) {
      io.out(USAGE)
      return 0
    }
  } catch (err) {
    return fail(io, `${(err as Error).message.split('. ')[0]!} (npm run migrate -- --help)`, 2)
  }
  let url: string
  try {
    url = databaseUrl(io.env, 'DATABASE_URL is required: npm run migrate applies migrations to that PostgreSQL (the embedded database migrates itself at start)')
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    return fail(io, err.message, 2)
  }
  const db = await openDatabase({ databaseUrl: url, max: 2 })
  try {
    const summary = await migrateProxy(db.sql, { log: io.out })
    io.out(
      summary.applied.length
        ? `migrate: applied ${summary.applied.length} migration(s), ${summary.alreadyApplied} already applied`
        : `migrate: nothing to do (${summary.alreadyApplied} already applied)`,
    )
    return 0
  } catch (err) {
    return fail(io, describe(err), 1)
  } finally {
    await db.close()
  }
}

/** One line for an error: a migration's own message, or the connection problem. */
export { describe }

if (isMain(import.meta.url)) await runAsProcess(run)
