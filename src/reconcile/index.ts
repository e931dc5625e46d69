// Reconcile: organizations older than their legacy rows (writes that never passed the proxy: the P2V
// worker, admin scripts, other services) are found and repaired through the mapping; the outbox is
// drained. As a command (npm run reconcile) and as a periodic job in every replica.
export { reconcile, formatReconcile, type ReconcileOptions, type ReconcileReport } from './run.js'
export { reconcileJob, type ReconcileMode, type RepairExample } from './job.js'
export { startReconciler, type Reconciler } from './reconciler.js'
