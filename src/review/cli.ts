// What the review's commands (diffs, gate, replay) share: the io they are run with (so tests call them
// in-process), the database of DATABASE_URL, and one-line errors.
import postgres from 'postgres'
import { describeFailure } from '../jobs/cli.js'

import { databaseUrl, UsageError, type Io } from '../cli/io.js'

export type { Io }

export { UsageError }

/** A small pool on DATABASE_URL, or a UsageError that says what is missing. */
export function reviewDatabase(io: Io, command: string): postgres.Sql {
  const url = databaseUrl(io.env, `DATABASE_URL is not set: ${command} reads the proxy's comparisons from that database (in the demo, the URL npm start prints)`)
  return postgres(url, { max: 2, onnotice: () => {}, connect_timeout: 10 })
}

/** One line for a failure: the database's own message, a connection problem, or a missing table. */
export function describe(err: unknown): string {
  const e = err as { code?: string; message?: string }
  if (e.code === '42P01') return `${e.message}: the proxy's migrations have not run on this database (npm run migrate)`
  return describeFailure(err).split('\n')[0]!
}

