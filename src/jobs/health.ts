// The default throttle of the job runner: measurable signals that the database is under strain, read in
// one query before every batch. While one is over its bound the runner waits instead of adding load.
import type { Sql } from '../db/index.js'
import type { HealthVerdict, Throttle } from './types.js'

export type HealthBounds = {
  /** Largest write/flush/replay lag of a streaming replica, in seconds (pg_stat_replication). */
  maxReplicationLagSeconds: number
  /** Longest current wait for a lock by any other session, in seconds (pg_locks.waitstart). */
  maxLockWaitSeconds: number
  /** Share of max_connections in use (pg_stat_activity). */
  maxConnectionShare: number
}

export const DEFAULT_HEALTH_BOUNDS: HealthBounds = { maxReplicationLagSeconds: 10, maxLockWaitSeconds: 5, maxConnectionShare: 0.9 }

type Signals = { lag: number | null; lock_wait: number | null; connection_share: number | null }

/**
 * @example runJob(sql, job, { throttle: databaseHealth({ maxReplicationLagSeconds: 30 }) })
 */
export function databaseHealth(bounds: Partial<HealthBounds> = {}): Throttle {
  const b = { ...DEFAULT_HEALTH_BOUNDS, ...bounds }
  // A signal the server cannot give (no permission, an older server, the embedded database) is
  // skipped, not fatal: it is remembered so the query is not retried with it every batch.
  let useLockWait = true
  return async function checkDatabaseHealth(sql: Sql): Promise<HealthVerdict> {
    let s: Signals
    try {
      s = await readSignals(sql, useLockWait)
    } catch (err) {
      if (!useLockWait || isConnectionError(err)) throw err
      useLockWait = false
      s = await readSignals(sql, false)
    }
    if (s.lag !== null && s.lag > b.maxReplicationLagSeconds)
      return { ok: false, reason: `replication lag ${s.lag.toFixed(1)} s > ${b.maxReplicationLagSeconds} s` }
    if (s.lock_wait !== null && s.lock_wait > b.maxLockWaitSeconds)
      return { ok: false, reason: `a session has waited ${s.lock_wait.toFixed(1)} s for a lock (> ${b.maxLockWaitSeconds} s)` }
    if (s.connection_share !== null && s.connection_share > b.maxConnectionShare)
      return { ok: false, reason: `${Math.round(s.connection_share * 100)} % of max_connections in use (> ${Math.round(b.maxConnectionShare * 100)} %)` }
    return { ok: true }
  }
}

async function readSignals(sql: Sql, lockWait: boolean): Promise<Signals> {
  const [row] = await sql<Signals[]>`
    SELECT
      (SELECT max(greatest(extract(epoch FROM write_lag), extract(epoch FROM flush_lag), extract(epoch FROM replay_lag)))::float8
         FROM pg_stat_replication) AS lag,
      ${lockWait
        ? sql`(SELECT max(extract(epoch FROM clock_timestamp() - waitstart))::float8 FROM pg_locks WHERE NOT granted AND pid <> pg_backend_pid())`
        : sql`NULL::float8`} AS lock_wait,
      (SELECT count(*)::float8 / nullif(current_setting('max_connections')::int, 0) FROM pg_stat_activity) AS connection_share`
  return row ?? { lag: null, lock_wait: null, connection_share: null }
}

const TRANSIENT_SQLSTATE = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available (lock_timeout)
  '57014', // query_canceled (statement_timeout)
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '08000', '08001', '08003', '08004', '08006',
])
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT'])

/** The connection is gone or cannot be made. */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; errors?: unknown[] }
  if (e?.code && (CONNECTION_CODES.has(e.code) || e.code.startsWith('08'))) return true
  return Array.isArray(e?.errors) && e.errors.some(isConnectionError)
}

/** Worth retrying after a pause: a lost connection, a lock or statement timeout, a deadlock. */
export function isTransientError(err: unknown): boolean {
  const code = (err as { code?: string })?.code
  return isConnectionError(err) || (code !== undefined && TRANSIENT_SQLSTATE.has(code))
}
