// THE resumable job runner: walks a job's parts in keyset batches, one transaction per batch with its
// checkpoint, pausing between batches and waiting while the database is unhealthy; stops cleanly on
// an abort (SIGTERM) after the batch in flight. Backfills, reconcile and later cleanups all run here.
import type { Sql } from '../db/index.js'
import { describeError, runBatch, sleep, waitUntilHealthy, type BatchOutcome } from './batch.js'
import { beginRun, markStopped } from './checkpoint.js'
import { databaseHealth, isTransientError } from './health.js'
import { countAll, describeCursor } from './parts.js'
import { RateMeter } from './rate.js'
import type { Cursor, Job, Progress, Tally, Throttle } from './types.js'

export { describeError, sleep } from './batch.js'

export type RunOptions = {
  /** Keys per batch (default 1000). */
  batchSize?: number
  /** Pause after each batch, ms (default 20): leaves room for the application's own queries. */
  pauseMs?: number
  /** Every batch runs and is rolled back; no checkpoint is read or written. */
  dryRun?: boolean
  /** false: the cursor lives in memory only (read-only jobs such as verify). Default true. */
  checkpoint?: boolean
  /** Discard an unfinished run's checkpoint and start from the beginning. */
  restart?: boolean
  /** Do nothing when the last run finished less than this long ago (periodic jobs). */
  skipIfFinishedWithinMs?: number
  /** Abort = stop after the batch in flight, leaving a checkpoint to resume from. */
  signal?: AbortSignal
  /** Default: databaseHealth(); false: never wait. */
  throttle?: Throttle | false
  /** How long to wait between health checks while unhealthy (default 2000 ms). */
  healthRecheckMs?: number
  /** lock_timeout of each batch (default '2s'): a batch never queues long behind the application. */
  lockTimeout?: string
  /** statement_timeout of each batch (default none). */
  statementTimeout?: string
  /** Transient failures in a row before the run fails (default 20). */
  maxRetries?: number
  onProgress?: (p: Progress) => void
  /** After each batch this runner committed (or rolled back in a dry run): its own step's tally. */
  onBatch?: (tally: Tally, walked: number) => void
  log?: (line: string) => void
}

export type RunSummary = {
  job: string
  runId: string | null
  status: 'finished' | 'stopped' | 'skipped'
  resumed: boolean
  /** Keys walked by this runner (another runner of the same job may have walked others). */
  walked: number
  /** Keys walked by the whole run so far, this runner's and others'. */
  runDone: number
  total: number | null
  batches: number
  /** Tally of the whole run (checkpointed) or of this runner (no checkpoint). */
  tally: Tally
  ms: number
}

/**
 * @example
 * const ac = new AbortController(); process.once('SIGTERM', () => ac.abort())
 * const summary = await runJob(sql, organizationsBackfill, { batchSize: 5000, signal: ac.signal, onProgress })
 */
export async function runJob(sql: Sql, job: Job, opts: RunOptions = {}): Promise<RunSummary> {
  const started = performance.now()
  const limit = opts.batchSize ?? 1000
  const checkpointed = opts.checkpoint !== false && !opts.dryRun
  const throttle = opts.throttle === false ? null : (opts.throttle ?? databaseHealth())
  const log = opts.log ?? (() => {})
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`batchSize must be a positive whole number, got ${limit}`)

  const total = await countAll(sql, job)
  let walked = 0
  let batches = 0
  let failures = 0
  let runId: string | null = null
  let resumed = false
  let cursor: Cursor = { part: 0, after: null }
  let tally: Tally = {}
  let runDone = 0
  if (checkpointed) {
    const begun = await beginRun(sql, job.name, { total, restart: opts.restart ?? false, skipIfFinishedWithinMs: opts.skipIfFinishedWithinMs, options: { batchSize: limit } })
    if (begun.skipped) return summary('skipped')
    runId = begun.checkpoint.run_id
    resumed = begun.resumed
    cursor = begun.checkpoint.cursor ?? cursor
    tally = begun.checkpoint.tally
    runDone = begun.checkpoint.done
    if (resumed) log(`${job.name}: resuming run ${runId} at ${describeCursor(job, cursor)} (${runDone} done)`)
  }

  const meter = new RateMeter()
  const report = (extra: Partial<Progress> = {}) =>
    opts.onProgress?.({
      job: job.name,
      part: job.parts[Math.min(cursor.part, job.parts.length - 1)]?.name ?? '',
      done: runDone,
      total,
      rate: meter.rate(),
      etaSeconds: meter.eta(runDone, total),
      batches,
      ...extra,
    })

  function summary(status: RunSummary['status']): RunSummary {
    return { job: job.name, runId, status, resumed, walked, runDone, total, batches, tally, ms: Math.round(performance.now() - started) }
  }

  try {
    while (cursor.part < job.parts.length) {
      if (opts.signal?.aborted) {
        if (checkpointed && runId) await markStopped(sql, job.name, runId, 'stopped')
        log(`${job.name}: stopped at ${describeCursor(job, cursor)}; run again to resume`)
        report()
        return summary('stopped')
      }
      if (throttle) await waitUntilHealthy(sql, throttle, { recheckMs: opts.healthRecheckMs ?? 2000, signal: opts.signal }, (reason) => report({ waiting: reason }), log)
      let outcome: BatchOutcome
      try {
        outcome = await runBatch(sql, job, cursor, tally, runDone, { limit, dryRun: opts.dryRun ?? false, checkpointed, lockTimeout: opts.lockTimeout ?? '2s', statementTimeout: opts.statementTimeout })
        failures = 0
      } catch (err) {
        if (!isTransientError(err) || ++failures > (opts.maxRetries ?? 20)) throw err
        const wait = Math.min(30_000, 250 * 2 ** failures) * (0.5 + Math.random() / 2)
        log(`${job.name}: batch failed (${describeError(err)}); retry ${failures} in ${Math.round(wait)} ms`)
        report({ waiting: `retrying after ${describeError(err)}` })
        await sleep(wait, opts.signal)
        continue
      }
      if (outcome.kind === 'busy') {
        // Another runner of this job holds the checkpoint for its batch: take the next turn.
        await sleep(20 + Math.random() * 30, opts.signal)
        continue
      }
      if (outcome.kind === 'finished-elsewhere') break
      cursor = outcome.next
      tally = outcome.runTally
      runDone = outcome.runDone
      walked += outcome.step.walked
      batches++
      meter.add(outcome.step.walked)
      opts.onBatch?.(outcome.step.tally ?? {}, outcome.step.walked)
      report()
      if (cursor.part < job.parts.length && (opts.pauseMs ?? 20) > 0) await sleep(opts.pauseMs ?? 20, opts.signal)
    }
  } catch (err) {
    if (checkpointed && runId) await markStopped(sql, job.name, runId, 'failed', describeError(err)).catch(() => {})
    throw err
  }
  report({ finished: true })
  return summary('finished')
}
