// Applies numbered plain-SQL files once each, in name order, recording them in a ledger, so that every
// replica (and every test) can run the same command at start without racing or re-running a step.
//
// Files: `NNNN_name.sql` in one directory, applied in name order. The checksum is the sha256 of the file
// with CRLF read as LF; a recorded file whose checksum changed stops the run (migrations are
// append-only: fix forward with a new file). Ledger rows of files not on disk (a newer release ran
// them) are reported, not fatal, so an older replica still starts during a rolling deploy.
//
// A file runs in one transaction with `lock_timeout` set locally (5s by default): DDL that cannot get
// its lock fails fast instead of queueing every query of a busy table behind it. The runner owns the
// transaction: a file holds no BEGIN or COMMIT of its own.
//
// A file whose first line is `-- org-proxy: no-transaction` runs outside a transaction (CREATE INDEX
// CONCURRENTLY, ALTER TYPE … ADD VALUE): it is split on top-level semicolons (quotes, $$ bodies and
// comments are understood, see split.ts; no separator lines to forget) and each statement runs on its
// own, with the session's lock_timeout set and then restored.
// Such a file is recorded only once all its statements succeeded, so a failure re-runs it whole: write
// its statements to be repeatable (IF NOT EXISTS; `DROP INDEX CONCURRENTLY IF EXISTS` before an index
// build, since a failed concurrent build leaves an INVALID index that IF NOT EXISTS would keep).
//
// Concurrency: one runner per ledger at a time, by a session advisory lock on a reserved connection.
// The lock is polled with pg_try_advisory_lock rather than waited on: a session blocked in
// pg_advisory_lock holds a snapshot, and CREATE INDEX CONCURRENTLY in the lock holder waits for every
// older snapshot, which would deadlock the two. Runners in one process are also queued in memory,
// because the embedded database is a single session in which advisory locks are re-entrant.
import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Sql } from './index.js'
import { acquireLock, applyInTransaction, applyStatementByStatement, MIGRATION_LOCK_CLASS, MigrationError } from './migrate-steps.js'
import { databaseKey, inProcessQueue } from './queue.js'

export { MigrationError }

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const PROXY_MIGRATIONS_DIR = join(REPO_ROOT, 'sql', 'migrations')
export const LEGACY_BASELINE_DIR = join(REPO_ROOT, 'sql', 'legacy')
export const PROXY_LEDGER = 'org_proxy.schema_migrations'
export const LEGACY_LEDGER = 'org_proxy.legacy_baseline'

const NO_TRANSACTION = '-- org-proxy: no-transaction'
const FILE_NAME = /^\d{4}_[A-Za-z0-9_-]+\.sql$/
const LEDGER_NAME = /^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/

export type MigrateOptions = {
  /** Directory of NNNN_name.sql files. */
  dir: string
  /** Schema-qualified ledger table, e.g. org_proxy.schema_migrations (created when missing). */
  ledger: string
  log?: (line: string) => void
  /** lock_timeout for each file's statements (default '5s'). */
  lockTimeout?: string
  /** How long to wait for another runner before giving up (default 10 minutes). */
  lockWaitMs?: number
}

export type MigrationFile = {
  name: string
  path: string
  checksum: string
  sql: string
  transactional: boolean
}

export type AppliedMigration = { name: string; durationMs: number; transactional: boolean }

export type MigrateSummary = {
  dir: string
  ledger: string
  /** Files applied by this run, in order. */
  applied: AppliedMigration[]
  /** Files found already recorded. */
  alreadyApplied: number
  /** Ledger rows with no file on disk. */
  unknown: string[]
  /** Time spent waiting for another runner's lock. */
  waitedMs: number
}

/**
 * Applies the proxy's own migrations (sql/migrations) to the database.
 * @example const summary = await migrateProxy(db.sql, { log: (l) => logger.info(l) })
 */
export function migrateProxy(sql: Sql, opts: Partial<MigrateOptions> = {}): Promise<MigrateSummary> {
  return migrate(sql, { ...opts, dir: opts.dir ?? PROXY_MIGRATIONS_DIR, ledger: opts.ledger ?? PROXY_LEDGER })
}

/**
 * Creates the gp-api tables (sql/legacy) for the demo and the tests. Never run it against a real legacy
 * database: gp-api's own Prisma migrations own those tables.
 * @example await applyLegacyBaseline(db.sql)
 */
export function applyLegacyBaseline(sql: Sql, opts: Partial<MigrateOptions> = {}): Promise<MigrateSummary> {
  return migrate(sql, { ...opts, dir: opts.dir ?? LEGACY_BASELINE_DIR, ledger: opts.ledger ?? LEGACY_LEDGER })
}

/**
 * Applies the pending files of `dir` and records them in `ledger`.
 * @example await migrate(sql, { dir: '/app/sql/migrations', ledger: 'org_proxy.schema_migrations' })
 */
export async function migrate(sql: Sql, opts: MigrateOptions): Promise<MigrateSummary> {
  if (!LEDGER_NAME.test(opts.ledger))
    throw new MigrationError(`ledger must be a schema-qualified lowercase table name, got ${JSON.stringify(opts.ledger)}`)
  const files = await readMigrations(opts.dir)
  return inProcessQueue(`${databaseKey(sql)}#${opts.ledger}`, () => migrateLocked(sql, files, opts))
}

/** The migration files of a directory, in the order they apply. */
export async function readMigrations(dir: string): Promise<MigrationFile[]> {
  let names: string[]
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort()
  } catch (err) {
    throw new MigrationError(`cannot read migrations directory ${dir}: ${(err as Error).message}`, { cause: err })
  }
  const misnamed = names.filter((n) => !FILE_NAME.test(n))
  if (misnamed.length)
    throw new MigrationError(`migration files must be named NNNN_name.sql: ${misnamed.join(', ')} in ${dir}`)
  return Promise.all(
    names.map(async (name) => {
      const path = join(dir, name)
      const text = (await readFile(path, 'utf8')).replace(/\r\n/g, '\n')
      return {
        name,
        path,
        sql: text,
        checksum: createHash('sha256').update(text).digest('hex'),
        transactional: text.split('\n', 1)[0]!.trim() !== NO_TRANSACTION,
      }
    }),
  )
}

async function migrateLocked(sql: Sql, files: MigrationFile[], opts: MigrateOptions): Promise<MigrateSummary> {
  const log = opts.log ?? (() => {})
  const lockTimeout = opts.lockTimeout ?? '5s'
  const [schema, table] = opts.ledger.split('.') as [string, string]
  const conn = await sql.reserve()
  let locked = false
  try {
    const waitedMs = await acquireLock(conn, opts.ledger, opts.lockWaitMs ?? 600_000, log)
    locked = true
    await conn`create schema if not exists ${conn(schema)}`
    await conn`
      create table if not exists ${conn(opts.ledger)} (
        name text primary key,
        checksum text not null,
        applied_at timestamptz not null default now(),
        duration_ms integer not null
      )`
    const rows = await conn<{ name: string; checksum: string }[]>`select name, checksum from ${conn(opts.ledger)}`
    const recorded = new Map(rows.map((r) => [r.name, r.checksum]))
    const changed = files.filter((f) => recorded.has(f.name) && recorded.get(f.name) !== f.checksum)
    if (changed.length)
      throw new MigrationError(
        `applied migration changed on disk (checksum differs from ${opts.ledger}): ${changed.map((f) => f.name).join(', ')}; ` +
          'applied migrations are append-only, add a new file instead',
      )
    const onDisk = new Set(files.map((f) => f.name))
    const unknown = [...recorded.keys()].filter((n) => !onDisk.has(n)).sort()
    if (unknown.length) log(`${table}: recorded but not on disk (applied by a newer release?): ${unknown.join(', ')}`)
    const applied: AppliedMigration[] = []
    const lastApplied = [...recorded.keys()].filter((n) => onDisk.has(n)).sort().at(-1)
    for (const file of files.filter((f) => !recorded.has(f.name))) {
      // A file merged late (named before one already applied) still runs, but it should be noticed.
      if (lastApplied && file.name < lastApplied) log(`${file.name} is older than the applied ${lastApplied}: applying it out of order`)
      const started = performance.now()
      if (file.transactional) await applyInTransaction(conn, file, opts.ledger, lockTimeout, started)
      else await applyStatementByStatement(conn, file, opts.ledger, lockTimeout, started)
      const durationMs = Math.round(performance.now() - started)
      applied.push({ name: file.name, durationMs, transactional: file.transactional })
      log(`applied ${file.name} in ${durationMs} ms${file.transactional ? '' : ' (no transaction)'}`)
    }
    return { dir: opts.dir, ledger: opts.ledger, applied, alreadyApplied: files.length - applied.length, unknown, waitedMs }
  } finally {
    if (locked) await conn`select pg_advisory_unlock(${MIGRATION_LOCK_CLASS}, hashtext(${opts.ledger}))`.catch(() => {})
    conn.release()
  }
}
