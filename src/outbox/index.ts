// The outbox of organization writes that failed after the legacy write stood: the engine enqueues,
// every replica's worker retries with backoff, reconcile drains it.
export { createOutbox, processOutbox, outboxStats, backoff, type OutboxOptions, type ProcessOptions, type ProcessResult, type OutboxStats } from './store.js'
export { startOutboxWorker, type OutboxWorker, type WorkerLog } from './worker.js'
export { PHASE1_OUTBOX_HANDLERS, FALLBACK_HANDLER, type OutboxHandler, type OutboxHandlers } from './handlers.js'
export { outboxMetrics, counterOn, gaugeOn, type OutboxMetrics } from './metrics.js'
