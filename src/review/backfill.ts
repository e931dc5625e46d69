// The backfill progress that concerns a route, read from phase 1's job checkpoints when they exist:
// a route's organization-backed answer is only as complete as the backfill behind its flag.
import type { Sql } from 'postgres'

export type BackfillProgress = {
  job: string
  status: string
  done: number
  total: number | null
  batches: number
  tally: Record<string, unknown>
  lastError: string | null
  startedAt: Date
  updatedAt: Date
  finishedAt: Date | null
}

/**
 * The jobs each flag's routes depend on. Every organization-backed read needs the organizations
 * backfill; segments also need their filters linked to organizations. Verify runs are listed too.
 */
export const FLAG_JOBS: Record<string, RegExp> = {
  'org.dual-write': /^(backfill|verify):organizations$/,
  'org.reads': /^(backfill|verify):organizations$/,
  'org.switcher': /^(backfill|verify):organizations$/,
  'org.voter-filters': /^(backfill|verify):(organizations|voter-filters)$/,
  'org.writes': /^(backfill|verify):(organizations|voter-filters)$/,
  'org.new-campaign': /^(backfill|verify):organizations$/,
}

/**
 * Null when phase 1's checkpoint table is not there (the page then says "no backfill recorded").
 * @example const progress = await backfillProgress(sql, 'org.reads')
 */
export async function backfillProgress(sql: Sql, flag: string): Promise<BackfillProgress[] | null> {
  const [t] = await sql<{ ok: boolean }[]>`select to_regclass('org_proxy.job_checkpoint') is not null as ok`
  if (!t?.ok) return null
  const rows = await sql<{ job: string; status: string; done: string; total: string | null; batches: number; tally: Record<string, unknown>; last_error: string | null; started_at: Date; updated_at: Date; finished_at: Date | null }[]>`
    select job, status, done, total, batches, tally, last_error, started_at, updated_at, finished_at
    from org_proxy.job_checkpoint order by job`
  const wanted = FLAG_JOBS[flag] ?? /^(backfill|verify):/
  return rows
    .filter((r) => wanted.test(r.job))
    .map((r) => ({
      job: r.job, status: r.status, done: Number(r.done), total: r.total === null ? null : Number(r.total), batches: r.batches,
      tally: r.tally ?? {}, lastError: r.last_error, startedAt: r.started_at, updatedAt: r.updated_at, finishedAt: r.finished_at,
    }))
}
