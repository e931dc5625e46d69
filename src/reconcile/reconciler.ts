// The periodic reconcile of every proxy replica: each interval, one reconcile pass that replicas share
// (the job's checkpoint row is taken batch by batch with SKIP LOCKED, and a pass that finished within
// the interval is not started again), so N replicas do the work of one.
import type { Registry } from 'prom-client'
import type { Sql } from '../db/index.js'
import { sleep } from '../jobs/index.js'
import { isLegacySourceRetired } from '../organizations/index.js'
import { counterOn, gaugeOn, type WorkerLog } from '../outbox/index.js'
import { reconcile, type ReconcileReport } from './run.js'
import type { ReconcileMode } from './job.js'

export type Reconciler = {
  stop: () => Promise<void>
  /** One pass now (tests, an admin action). */
  runOnce: () => Promise<ReconcileReport>
}

/**
 * @example const reconciler = startReconciler({ sql, log, intervalMs: 60_000 }); … await reconciler.stop()
 */
export function startReconciler(opts: {
  sql: Sql
  log: WorkerLog
  /** Between passes (default 60 000 ms); a pass another replica finished within it is skipped. */
  intervalMs?: number
  metrics?: { registry: Registry }
  mode?: ReconcileMode
  batchSize?: number
}): Reconciler {
  const ac = new AbortController()
  const intervalMs = opts.intervalMs ?? 60_000
  const m = opts.metrics
    ? {
        repaired: counterOn(opts.metrics.registry, { name: 'org_proxy_reconcile_repaired_total', help: 'Organizations created or repaired by reconcile on this instance, by kind (created|updated|refreshed)', labelNames: ['kind'] }),
        runs: counterOn(opts.metrics.registry, { name: 'org_proxy_reconcile_runs_total', help: 'Reconcile passes on this instance, by status (finished|stopped|skipped|failed|retired: phase 3 cleanup retired phase 1 sync)', labelNames: ['status'] }),
        last: gaugeOn(opts.metrics.registry, { name: 'org_proxy_reconcile_last_success_timestamp_seconds', help: 'When a reconcile pass last finished on this instance' }),
      }
    : null
  const once = async (): Promise<ReconcileReport> => {
    const report = await reconcile(opts.sql, {
      mode: opts.mode ?? 'quick',
      batchSize: opts.batchSize,
      signal: ac.signal,
      skipIfFinishedWithinMs: intervalMs * 0.9,
      log: (line) => opts.log.info({}, line),
    })
    m?.runs.labels(report.status).inc()
    m?.repaired.labels('created').inc(report.created)
    m?.repaired.labels('updated').inc(report.updated)
    m?.repaired.labels('refreshed').inc(report.refreshed)
    if (report.status === 'finished') m?.last.set(Date.now() / 1000)
    if (report.created || report.updated || report.outbox.done || report.outbox.dead)
      opts.log.info({ reconcile: { ...report, examples: report.examples.slice(0, 5) } }, 'reconcile repaired organizations')
    return report
  }
  let retiredSaid = false
  const loop = (async () => {
    // Replicas started together spread out before their first pass.
    await sleep(intervalMs * Math.random(), ac.signal)
    while (!ac.signal.aborted) {
      try {
        await once()
        retiredSaid = false
      } catch (err) {
        if (isLegacySourceRetired(err)) {
          // Not a failure: phase 3 retired phase 1's repair. Counted every pass, said once.
          m?.runs.labels('retired').inc()
          if (!retiredSaid) opts.log.warn({ err: err.message }, 'reconcile skipped: phase 1 sync is retired by a cleanup step')
          retiredSaid = true
          await sleep(intervalMs * (0.9 + Math.random() * 0.2), ac.signal)
          continue
        }
        m?.runs.labels('failed').inc()
        opts.log.error({ err }, 'reconcile pass failed; next one after the interval')
      }
      await sleep(intervalMs * (0.9 + Math.random() * 0.2), ac.signal)
    }
  })()
  return {
    runOnce: once,
    async stop() {
      ac.abort()
      await loop
    },
  }
}
