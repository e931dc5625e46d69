// The one resumable job runner (backfills, reconcile, later cleanups): keyset parts, a repeat-safe batch
// step, count, throttle, checkpoint, progress and a clean stop. Jobs are data; the runner owns the rest.
export { runJob, sleep, describeError, type RunOptions, type RunSummary } from './runner.js'
export { preferIndexProbes } from './batch.js'
export { databaseHealth, isConnectionError, isTransientError, DEFAULT_HEALTH_BOUNDS, type HealthBounds } from './health.js'
export { readCheckpoint, mergeTally, type Checkpoint, type CheckpointStatus } from './checkpoint.js'
export { progressPrinter, describe as describeProgress, duration, type ProgressPrinter } from './progress.js'
export { RateMeter } from './rate.js'
export type { Cursor, HealthVerdict, Job, JobPart, Key, Progress, StepContext, StepResult, Tally, Throttle } from './types.js'
export { installDisconnectGuard, isPostgresJsDisconnectNoise } from './pg-guard.js'
