// One reconcile pass: the reconcile job (repair what is missing or older than legacy), then the outbox
// drained, then a report kept in org_proxy.reconcile_run. The CLI and the periodic reconciler call it.
import { hostname } from 'node:os'
import type { Sql } from '../db/index.js'
import { runJob, type Progress, type Tally, type Throttle } from '../jobs/index.js'
import { LegacySourceRetiredError, retiredBy } from '../organizations/index.js'
import { processOutbox, type OutboxHandlers, type ProcessResult } from '../outbox/index.js'
import { reconcileJob, type ReconcileMode, type RepairExample } from './job.js'

export type ReconcileOptions = {
  mode?: ReconcileMode
  batchSize?: number
  pauseMs?: number
  signal?: AbortSignal
  throttle?: Throttle | false
  /** Skip the job when the last run finished this recently (the periodic reconciler's interval). */
  skipIfFinishedWithinMs?: number
  /** Drain the outbox after the job (default true). */
  drainOutbox?: boolean
  outboxHandlers?: OutboxHandlers
  onProgress?: (p: Progress) => void
  log?: (line: string) => void
}

export type ReconcileReport = {
  mode: ReconcileMode
  status: 'finished' | 'stopped' | 'skipped'
  /** Rows this replica examined; the run may have been shared with other replicas. */
  examined: number
  created: number
  updated: number
  /** Content already right, only legacy_synced_at moved forward. */
  refreshed: number
  /** How many organizations had each column repaired. */
  changedColumns: Record<string, number>
  examples: RepairExample[]
  outbox: ProcessResult
  ms: number
}

/** @example const report = await reconcile(sql, { mode: 'deep' }); console.log(formatReconcile(report)) */
export async function reconcile(sql: Sql, opts: ReconcileOptions = {}): Promise<ReconcileReport> {
  const started = performance.now()
  const mode = opts.mode ?? 'quick'
  // Refused before a checkpoint is taken: after a phase 3 cleanup the legacy rows no longer hold the
  // fields, and "repairing" organizations from them would wipe them (the CLI prints this one line).
  const retired = await retiredBy(sql)
  if (retired.length) throw new LegacySourceRetiredError(retired)
  const { job, examples } = reconcileJob(mode)
  const mine: Tally = {}
  const summary = await runJob(sql, job, {
    batchSize: opts.batchSize ?? 5000,
    pauseMs: opts.pauseMs ?? 20,
    signal: opts.signal,
    throttle: opts.throttle,
    skipIfFinishedWithinMs: opts.skipIfFinishedWithinMs,
    onProgress: opts.onProgress,
    log: opts.log,
    onBatch: (t) => {
      for (const [k, v] of Object.entries(t)) mine[k] = (mine[k] ?? 0) + v
    },
  })
  const outbox = opts.drainOutbox === false || summary.status !== 'finished'
    ? { done: 0, retried: 0, dead: 0 }
    : await processOutbox(sql, { ignoreSchedule: true, limit: 10_000, handlers: opts.outboxHandlers })
  const changedColumns = Object.fromEntries(Object.entries(mine).filter(([k]) => k.startsWith('changed:')).map(([k, v]) => [k.slice(8), v]))
  const report: ReconcileReport = {
    mode,
    status: summary.status,
    examined: mine.examined ?? 0,
    created: mine.created ?? 0,
    updated: mine.updated ?? 0,
    refreshed: mine.refreshed ?? 0,
    changedColumns,
    examples,
    outbox,
    ms: Math.round(performance.now() - started),
  }
  if (summary.status !== 'skipped' || outbox.done + outbox.retried + outbox.dead > 0) await recordRun(sql, report)
  return report
}

async function recordRun(sql: Sql, r: ReconcileReport): Promise<void> {
  await sql`
    INSERT INTO org_proxy.reconcile_run (started_at, finished_at, mode, host, examined, repaired, report)
    VALUES (now() - make_interval(secs => ${r.ms / 1000}), now(), ${r.mode}, ${hostname()}, ${r.examined},
      ${r.created + r.updated}, ${sql.json(r as never)})`
}

export function formatReconcile(r: ReconcileReport): string[] {
  const lines = [
    `reconcile (${r.mode}): ${r.status}; examined ${r.examined}, created ${r.created}, repaired ${r.updated}, refreshed ${r.refreshed} (timestamp only); ` +
      `outbox: ${r.outbox.done} redone, ${r.outbox.retried} failed again, ${r.outbox.dead} dead; ${(r.ms / 1000).toFixed(1)} s`,
  ]
  for (const [column, n] of Object.entries(r.changedColumns).sort((a, b) => b[1] - a[1])) lines.push(`  ${column}: ${n}`)
  for (const e of r.examples.slice(0, 10))
    lines.push(`  ${e.created ? 'created' : 'repaired'} organization ${e.organizationId} (${e.campaignId !== undefined ? `campaign ${e.campaignId}` : `office ${e.officeId}`})${e.changed.length ? `: ${e.changed.join(', ')}` : ''}`)
  return lines
}
