// One batch of the job runner: its transaction (lock_timeout, the checkpoint row locked SKIP LOCKED,
// the step, the checkpoint advanced, or everything rolled back in a dry run), and the waits around it.
import type { Sql, TransactionSql } from '../db/index.js'
import { advance, lockForBatch, mergeTally } from './checkpoint.js'
import { isTransientError } from './health.js'
import type { Cursor, Job, StepResult, Tally, Throttle } from './types.js'

class DryRunRollback extends Error {
  constructor(readonly result: BatchOutcome) {
    super('dry run: batch rolled back')
  }
}

export type BatchOutcome = { kind: 'busy' } | { kind: 'finished-elsewhere' } | { kind: 'done'; next: Cursor; step: StepResult; part: string; runDone: number; runTally: Tally }

export type BatchSettings = { limit: number; dryRun: boolean; checkpointed: boolean; lockTimeout: string; statementTimeout: string | undefined }

export async function runBatch(sql: Sql, job: Job, memCursor: Cursor, memTally: Tally, memDone: number, s: BatchSettings): Promise<BatchOutcome> {
  try {
    return (await sql.begin(async (tx: TransactionSql) => {
      // JIT compiles a big batch statement on every execution (hundreds of ms) and never pays that back on
      // a batch of a few thousand rows.
      // Parallel workers would take the application's cores for a batch of a few thousand keys.
      await tx`SELECT set_config('lock_timeout', ${s.lockTimeout}, true), set_config('statement_timeout', ${s.statementTimeout ?? '0'}, true),
        set_config('jit', 'off', true), set_config('max_parallel_workers_per_gather', '0', true)`
      let cursor = memCursor
      let tally = { ...memTally }
      let done = memDone
      if (s.checkpointed) {
        const row = await lockForBatch(tx, job.name)
        if (!row) return { kind: 'busy' } as const
        if (row.status === 'finished') return { kind: 'finished-elsewhere' } as const
        // The checkpoint, not our memory, says where the run stands: another runner may have moved it.
        cursor = row.cursor ?? cursor
        tally = { ...row.tally }
        done = row.done
      }
      if (cursor.part >= job.parts.length) return { kind: 'finished-elsewhere' } as const
      const part = job.parts[cursor.part]!
      const step = await part.step(tx, cursor.after, { limit: s.limit, dryRun: s.dryRun })
      const next: Cursor = step.last === null ? { part: cursor.part + 1, after: null } : { part: cursor.part, after: step.last }
      const result: BatchOutcome = { kind: 'done', next, step, part: part.name, runDone: done + step.walked, runTally: mergeTally(tally, step.tally) }
      if (s.dryRun) throw new DryRunRollback(result)
      if (s.checkpointed) await advance(tx, job.name, next, step.walked, result.runTally, next.part >= job.parts.length)
      return result
    })) as BatchOutcome
  } catch (err) {
    if (err instanceof DryRunRollback) return err.result
    throw err
  }
}

export async function waitUntilHealthy(sql: Sql, throttle: Throttle, opts: { recheckMs: number; signal?: AbortSignal | undefined }, onWait: (reason: string) => void, log: (l: string) => void): Promise<void> {
  let last = ''
  for (;;) {
    let reason: string
    try {
      const v = await throttle(sql)
      if (v.ok) {
        if (last) log(`database healthy again; resuming`)
        return
      }
      reason = v.reason
    } catch (err) {
      if (!isTransientError(err)) throw err
      reason = `database unreachable (${describeError(err)})`
    }
    if (reason !== last) log(`waiting: ${reason}`)
    last = reason
    onWait(reason)
    if (opts.signal?.aborted) return
    await sleep(opts.recheckMs, opts.signal)
  }
}

/** One line for an error, with its SQLSTATE or connection code. */
export function describeError(err: unknown): string {
  const e = err as { code?: string; message?: string }
  return `${e?.code ? `${e.code}: ` : ''}${e?.message ?? String(err)}`.slice(0, 300)
}

/** Resolves after `ms`, or at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}

/**
 * For steps that join tables (each side with an index on the join key) inside one batch's key range:
 * nested loops over index probes, never a hash or merge join that reads a whole table. Planner
 * statistics lag behind a table a backfill is filling (measured: a seq scan of 1.1 M organizations per
 * 2,000-row batch, 300 ms instead of 20). Not for steps that join CTEs or other unindexed row sets:
 * a nested loop over two of those is quadratic. Call it first in the step.
 */
export async function preferIndexProbes(tx: TransactionSql): Promise<void> {
  await tx`SELECT set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)`
}

