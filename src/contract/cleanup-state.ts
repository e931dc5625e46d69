// What the phase 3 cleanup steps read of their own state: each step's row in org_proxy.legacy_cleanup
// (started, finished, confirmed, the evidence its batches accumulated) and the archive's counts.
import type { Queryable, Sql, TransactionSql } from '../db/index.js'
import type { CleanupStep } from '../organizations/index.js'

export type CleanupRow = { step: CleanupStep; started_at: Date; finished_at: Date | null; confirmed_at: Date | null; evidence: Record<string, number> }

/** The step's row, or null when it never started (or was rolled back). */
export async function cleanupRow(db: Queryable, step: CleanupStep): Promise<CleanupRow | null> {
  const [row] = await db<CleanupRow[]>`SELECT step, started_at, finished_at, confirmed_at, evidence FROM org_proxy.legacy_cleanup WHERE step = ${step}`
  return row ? { ...row, evidence: Object.fromEntries(Object.entries(row.evidence ?? {}).map(([k, v]) => [k, Number(v)])) } : null
}

/** Adds counts to the step's evidence, in the caller's transaction (a batch's, so they commit together). */
export async function addEvidence(tx: TransactionSql, step: CleanupStep, counts: Record<string, number>): Promise<void> {
  const add = Object.entries(counts).filter(([, n]) => n)
  if (!add.length) return
  await tx`
    UPDATE org_proxy.legacy_cleanup l SET evidence = l.evidence || (
      SELECT jsonb_object_agg(k, coalesce((l.evidence->>k)::bigint, 0) + n)
      FROM jsonb_each_text(${tx.json(Object.fromEntries(add))}) AS a(k, v), LATERAL (SELECT v::bigint AS n) x)
    WHERE l.step = ${step}`
}

/** Archive rows (and keys of their `removed` objects) of one table and column. */
export async function archiveCounts(db: Queryable, table: string, column: string): Promise<{ rows: number; keys: number }> {
  const [row] = await db<{ rows: string; keys: string }[]>`
    SELECT count(*) AS rows,
      coalesce(sum(CASE WHEN jsonb_typeof(removed) = 'object' THEN (SELECT count(*) FROM jsonb_object_keys(removed)) ELSE 1 END), 0) AS keys
    FROM org_proxy.legacy_archive WHERE table_name = ${table} AND column_name = ${column}`
  return { rows: Number(row!.rows), keys: Number(row!.keys) }
}

/** Pending and dead organization writes in the outbox. */
export async function outboxBacklog(sql: Sql): Promise<{ pending: number; dead: number }> {
  const [row] = await sql<{ pending: number; dead: number }[]>`
    SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*) FILTER (WHERE status = 'dead')::int AS dead FROM org_proxy.outbox`
  return { pending: row?.pending ?? 0, dead: row?.dead ?? 0 }
}

export async function hasColumn(db: Queryable, table: string, column: string): Promise<boolean> {
  const [row] = await db<{ present: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = ${`public.${table}`}::regclass AND attname = ${column} AND NOT attisdropped) AS present`
  return row!.present
}
