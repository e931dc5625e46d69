// What every job command (backfill, reconcile, contract) shares: the database from DATABASE_URL, a
// clean stop on SIGINT/SIGTERM (the batch in flight commits, the checkpoint stays), one-line errors.
import postgres from 'postgres'
import { databaseUrl, UsageError, wholeNumber } from '../cli/io.js'
import type { Sql } from '../db/index.js'
import { installDisconnectGuard } from './pg-guard.js'
import { progressPrinter, type ProgressPrinter } from './progress.js'

export type JobIo = {
  env: Record<string, string | undefined>
  out: (line: string) => void
  err: (line: string) => void
  /** Where progress goes (a TTY gets a redrawn bar); default: nowhere. */
  progress?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }
  /** Stops the job after its batch in flight (the CLI wires SIGINT/SIGTERM to it). */
  signal?: AbortSignal
}

export { UsageError, wholeNumber }

export type JobDatabase = { sql: Sql; close: () => Promise<void> }

/**
 * The database of DATABASE_URL, or a UsageError that says why not. Job commands work on the legacy
 * PostgreSQL (an embedded demo database serves them on its socket URL), so the embedded engine is
 * never loaded here: the command starts a second sooner.
 */
export async function openJobDatabase(io: JobIo, command: string): Promise<JobDatabase> {
  const url = databaseUrl(io.env, `DATABASE_URL is required: ${command} works on the legacy database the proxy fronts`)
  const sql = postgres(url, { max: 3, onnotice: () => {} })
  return { sql, close: () => sql.end({ timeout: 5 }) }
}

/**
 * The body every job command shares: DATABASE_URL opened (2 when it cannot be), `work` run with a
 * progress printer on io.progress, any failure one line (1), the pool closed whatever happened.
 * @example return withJobDatabase(io, 'npm run reconcile', fail, async (sql, printer) => { …; return 0 })
 */
export async function withJobDatabase(
  io: JobIo,
  command: string,
  fail: (io: JobIo, line: string, code: number) => number,
  work: (sql: Sql, printer: ProgressPrinter | null) => Promise<number>,
): Promise<number> {
  let db: JobDatabase
  try {
    db = await openJobDatabase(io, command)
  } catch (err) {
    return fail(io, describeFailure(err), 2)
  }
  const printer = io.progress ? progressPrinter(io.progress) : null
  try {
    return await work(db.sql, printer)
  } catch (err) {
    printer?.end()
    return fail(io, describeFailure(err), 1)
  } finally {
    await db.close()
  }
}

/** One line for an error: a connection problem says so. */
export function describeFailure(err: unknown): string {
  const e = err as { message?: string; code?: string; errors?: { message?: string }[] }
  const message = e.message || e.errors?.map((x) => x.message).join('; ') || String(err)
  return e.code && /^E[A-Z]+$/.test(e.code) ? `cannot reach the database (${e.code}): ${message}` : message
}

/**
 * Runs a CLI's `run` as the process: SIGINT/SIGTERM abort its signal (a second one exits at once),
 * its return value is the exit code.
 */
export async function main(run: (argv: string[], io: JobIo) => Promise<number>): Promise<void> {
  const ac = new AbortController()
  let signals = 0
  const onSignal = (name: NodeJS.Signals) => {
    if (++signals > 1) process.exit(name === 'SIGINT' ? 130 : 143)
    process.stderr.write(`\n${name}: stopping after the batch in flight (again to exit at once)\n`)
    ac.abort()
  }
  // `| head` closing our stdout is not a failure of the job.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err
  })
  installDisconnectGuard(() => process.stderr.write('database session lost mid-transaction; the batch is retried\n'))
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  process.exitCode = await run(process.argv.slice(2), {
    env: process.env,
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    progress: process.stderr,
    signal: ac.signal,
  })
}
