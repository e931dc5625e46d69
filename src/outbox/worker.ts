// The outbox worker every proxy replica runs: works the due items, then sleeps; SKIP LOCKED keeps
// replicas off each other's items. stop() lets the item in flight finish.
import type { Registry } from 'prom-client'
import type { Sql } from '../db/index.js'
import { sleep } from '../jobs/index.js'
import type { OutboxHandlers } from './handlers.js'
import { outboxMetrics } from './metrics.js'
import { outboxStats, processOutbox } from './store.js'

export type WorkerLog = { info: (obj: object, msg: string) => void; warn: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void }

export type OutboxWorker = { stop: () => Promise<void> }

/**
 * @example const worker = startOutboxWorker({ sql, log, metrics, intervalMs: 1000 }); … await worker.stop()
 */
export function startOutboxWorker(opts: {
  sql: Sql
  log: WorkerLog
  metrics?: { registry: Registry }
  /** Sleep between wake-ups when nothing more is due (default 1000 ms). */
  intervalMs?: number
  handlers?: OutboxHandlers
  /** Items per wake-up (default 100). */
  batchLimit?: number
}): OutboxWorker {
  const ac = new AbortController()
  const intervalMs = opts.intervalMs ?? 1000
  const metrics = opts.metrics ? outboxMetrics(opts.metrics.registry) : undefined
  let held = 0
  const loop = (async () => {
    while (!ac.signal.aborted) {
      try {
        const r = await processOutbox(opts.sql, { handlers: opts.handlers, limit: opts.batchLimit ?? 100, metrics, log: opts.log })
        if (r.done || r.retried || r.dead) opts.log.info({ outbox: r }, 'outbox worked')
        // Said when it changes, not every wake-up: the gauge (status="held") tells the rest.
        if ((r.held ?? 0) !== held) {
          held = r.held ?? 0
          if (held) opts.log.warn({ held }, 'outbox: phase 1 items held: a phase 3 cleanup step retired phase 1 sync (they are redone if it is rolled back)')
        }
        if (metrics) {
          const s = await outboxStats(opts.sql)
          metrics.items.labels('pending').set(s.pending)
          metrics.items.labels('dead').set(s.dead)
          metrics.oldestSeconds.set(s.oldestPendingSeconds)
        }
        // A full batch means more is due: go on without sleeping.
        if (r.done + r.retried + r.dead >= (opts.batchLimit ?? 100)) continue
      } catch (err) {
        opts.log.error({ err }, 'outbox worker failed; retrying after the interval')
      }
      await sleep(intervalMs * (0.8 + Math.random() * 0.4), ac.signal)
    }
  })()
  return {
    async stop() {
      ac.abort()
      await loop
    },
  }
}
