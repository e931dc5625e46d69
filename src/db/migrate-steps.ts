// The steps of a migration run that touch the database one way each: the advisory lock, a file in a
// transaction, a file statement by statement, the ledger row.
import type { MigrationFile } from './migrate.js'
import type { ReservedSql } from './index.js'
import { splitStatements } from './split.js'

// 'orgp': the advisory lock class of the runner; the object id is the ledger's hash.
export const MIGRATION_LOCK_CLASS = 0x6f726770

export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'MigrationError'
  }
}

/** Polls for the ledger's lock (see migrate.ts for why it polls); returns how long it waited. */
export async function acquireLock(conn: ReservedSql, ledger: string, waitMs: number, log: (l: string) => void): Promise<number> {
  const started = Date.now()
  let told = false
  for (;;) {
    const [row] = await conn<{ ok: boolean }[]>`select pg_try_advisory_lock(${MIGRATION_LOCK_CLASS}, hashtext(${ledger})) as ok`
    if (row?.ok) return Date.now() - started
    if (Date.now() - started > waitMs)
      throw new MigrationError(`another runner has held the ${ledger} migration lock for over ${Math.round(waitMs / 1000)} s`)
    if (!told) log(`waiting for another runner to finish ${ledger}`)
    told = true
    await new Promise((r) => setTimeout(r, 100 + Math.random() * 100))
  }
}

/** Runs a file and records it in one transaction; on any error neither happened. */
export async function applyInTransaction(
  conn: ReservedSql,
  file: MigrationFile,
  ledger: string,
  lockTimeout: string,
  started: number,
): Promise<void> {
  await conn.unsafe('begin')
  try {
    await conn`select set_config('lock_timeout', ${lockTimeout}, true)`
    await conn.unsafe(file.sql).simple()
    await record(conn, file, ledger, started)
    await conn.unsafe('commit')
  } catch (err) {
    await conn.unsafe('rollback').catch(() => {})
    throw failed(file, err)
  }
}

/** Runs a no-transaction file one statement at a time; records it only when every statement succeeded. */
export async function applyStatementByStatement(
  conn: ReservedSql,
  file: MigrationFile,
  ledger: string,
  lockTimeout: string,
  started: number,
): Promise<void> {
  const statements = splitStatements(file.sql)
  const [before] = await conn<{ value: string }[]>`select current_setting('lock_timeout') as value`
  await conn`select set_config('lock_timeout', ${lockTimeout}, false)`
  try {
    for (const [i, statement] of statements.entries()) {
      try {
        await conn.unsafe(statement).simple()
      } catch (err) {
        throw failed(file, err, `statement ${i + 1} of ${statements.length}`)
      }
    }
    await record(conn, file, ledger, started)
  } finally {
    // Session settings are shared by every connection of the embedded database: put it back.
    await conn`select set_config('lock_timeout', ${before?.value ?? '0'}, false)`.catch(() => {})
  }
}

async function record(conn: ReservedSql, file: MigrationFile, ledger: string, started: number): Promise<void> {
  const durationMs = Math.round(performance.now() - started)
  await conn`insert into ${conn(ledger)} (name, checksum, duration_ms) values (${file.name}, ${file.checksum}, ${durationMs})`
}

function failed(file: MigrationFile, err: unknown, where?: string): MigrationError {
  if (err instanceof MigrationError) return err
  const e = err as { message?: string; position?: string; code?: string }
  const detail = [where, e.code && `SQLSTATE ${e.code}`, e.position && `at character ${e.position}`].filter(Boolean).join(', ')
  return new MigrationError(`migration ${file.name} failed${detail ? ` (${detail})` : ''}: ${e.message ?? String(err)}`, {
    cause: err,
  })
}
