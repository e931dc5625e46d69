// The job runner's checkpoint rows (org_proxy.job_checkpoint). A batch reads and advances its job's
// row under FOR UPDATE SKIP LOCKED in the batch's own transaction, so work and checkpoint commit or
// vanish together, and two runners of one job (two replicas) take turns instead of repeating a batch.
import { randomUUID } from 'node:crypto'
import type { Sql, TransactionSql } from '../db/index.js'
import type { Cursor, Tally } from './types.js'

export type CheckpointStatus = 'running' | 'stopped' | 'failed' | 'finished'

export type Checkpoint = {
  job: string
  run_id: string
  status: CheckpointStatus
  cursor: Cursor | null
  done: number
  total: number | null
  batches: number
  tally: Tally
  options: Record<string, unknown>
  last_error: string | null
  started_at: Date
  updated_at: Date
  finished_at: Date | null
}

const START: Cursor = { part: 0, after: null }

export type BeginResult = { checkpoint: Checkpoint; resumed: boolean; skipped: boolean }

/**
 * Joins the job's current run, or starts a new one when there is none, the last one finished, or
 * `restart` is set. `skipIfFinishedWithinMs`: a run that finished that recently is not started again.
 */
export async function beginRun(
  sql: Sql,
  job: string,
  opts: { total: number | null; restart: boolean; skipIfFinishedWithinMs?: number; options: Record<string, unknown> },
): Promise<BeginResult> {
  return sql.begin(async (tx) => {
    await tx`
      INSERT INTO org_proxy.job_checkpoint (job, run_id, status, cursor, total, options)
      VALUES (${job}, ${randomUUID()}, 'finished', ${tx.json(START)}, ${opts.total}, ${tx.json(opts.options as never)})
      ON CONFLICT (job) DO NOTHING`
    const [row] = await tx<(Checkpoint & { recent: boolean })[]>`
      SELECT *, finished_at > now() - make_interval(secs => ${(opts.skipIfFinishedWithinMs ?? 0) / 1000}) AS recent
      FROM org_proxy.job_checkpoint WHERE job = ${job} FOR UPDATE`
    const current = normalize(row!)
    if (current.status === 'finished' && row!.recent && !opts.restart && opts.skipIfFinishedWithinMs) return { checkpoint: current, resumed: false, skipped: true }
    if (current.status !== 'finished' && !opts.restart) {
      const [resumed] = await tx<Checkpoint[]>`
        UPDATE org_proxy.job_checkpoint SET status = 'running', last_error = NULL, updated_at = now(),
          total = coalesce(${opts.total}, total)
        WHERE job = ${job} RETURNING *`
      return { checkpoint: normalize(resumed!), resumed: true, skipped: false }
    }
    const [fresh] = await tx<Checkpoint[]>`
      UPDATE org_proxy.job_checkpoint SET run_id = ${randomUUID()}, status = 'running', cursor = ${tx.json(START)},
        done = 0, total = ${opts.total}, batches = 0, tally = '{}', options = ${tx.json(opts.options as never)},
        last_error = NULL, started_at = now(), updated_at = now(), finished_at = NULL
      WHERE job = ${job} RETURNING *`
    return { checkpoint: normalize(fresh!), resumed: false, skipped: false }
  }) as Promise<BeginResult>
}

/** The job's row locked for this batch, or null while another runner's batch holds it. */
export async function lockForBatch(tx: TransactionSql, job: string): Promise<Checkpoint | null> {
  const [row] = await tx<Checkpoint[]>`SELECT * FROM org_proxy.job_checkpoint WHERE job = ${job} FOR UPDATE SKIP LOCKED`
  return row ? normalize(row) : null
}

export async function advance(tx: TransactionSql, job: string, next: Cursor, walked: number, tally: Tally, finished: boolean): Promise<void> {
  await tx`
    UPDATE org_proxy.job_checkpoint SET cursor = ${tx.json(next as never)}, done = done + ${walked}, batches = batches + 1,
      tally = ${tx.json(tally)}, status = ${finished ? 'finished' : 'running'}, updated_at = now(),
      finished_at = ${finished ? tx`now()` : tx`NULL`}
    WHERE job = ${job}`
}

export async function markStopped(sql: Sql, job: string, runId: string, status: 'stopped' | 'failed', error?: string): Promise<void> {
  await sql`
    UPDATE org_proxy.job_checkpoint SET status = ${status}, last_error = ${error ?? null}, updated_at = now()
    WHERE job = ${job} AND run_id = ${runId} AND status = 'running'`
}

/** @example const cp = await readCheckpoint(sql, 'backfill:organizations') */
export async function readCheckpoint(sql: Sql, job: string): Promise<Checkpoint | null> {
  const [row] = await sql<Checkpoint[]>`SELECT * FROM org_proxy.job_checkpoint WHERE job = ${job}`
  return row ? normalize(row) : null
}

export function mergeTally(into: Tally, add: Tally | undefined): Tally {
  if (add) for (const [k, v] of Object.entries(add)) into[k] = (into[k] ?? 0) + v
  return into
}

// bigint columns arrive as strings from postgres.js.
function normalize(row: Checkpoint): Checkpoint {
  return { ...row, done: Number(row.done), total: row.total === null ? null : Number(row.total), tally: row.tally ?? {} }
}
