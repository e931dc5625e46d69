// The legacy side of phase 3's key move: which cleanup steps are in force (read under the cleanup lock,
// as phase 1's guard reads them), and taking one row's BR/L2 keys out into org_proxy.legacy_archive the
// way remove-br-l2's removal batches do, so its rollback and confirm steps see one consistent archive.
import { addEvidence } from '../contract/cleanup-state.js'
import type { TransactionSql } from '../db/index.js'
import { BR_FIELDS, L2_FIELDS } from '../domain/index.js'
import { LEGACY_CLEANUP_LOCK, type CleanupStep } from '../organizations/index.js'

const REMOVAL: CleanupStep = 'remove-br-l2'
const DECOUPLING: CleanupStep = 'elected-office-campaign-id'

/** Where each kind of key lives (as remove-br-l2's job walks them). */
export const SOURCES = [
  { table: 'campaign', column: 'details', keys: [...BR_FIELDS] as string[] },
  { table: 'path_to_victory', column: 'data', keys: [...L2_FIELDS] as string[] },
] as const
type Source = (typeof SOURCES)[number]

export type Cleanup = {
  /** remove-br-l2 is in force: the legacy rows are no copy any more, keys are moved out of them. */
  removed: boolean
  /** …and not confirmed: its archive still exists (confirm dropped it for good, and refuses a rollback). */
  archived: boolean
  /** elected-office-campaign-id is in force: offices no longer name (or mirror) a campaign. */
  decoupled: boolean
}

/**
 * The cleanup steps in force, under the shared side of the cleanup lock (held until commit), as phase 1's
 * guard takes it: a removal starting now waits for this move, and one already started is seen.
 */
export async function cleanupState(tx: TransactionSql): Promise<Cleanup> {
  const [, rows] = await Promise.all([
    tx`SELECT pg_advisory_xact_lock_shared(${LEGACY_CLEANUP_LOCK})`,
    tx<{ step: CleanupStep; confirmed: boolean }[]>`SELECT step, confirmed_at IS NOT NULL AS confirmed FROM org_proxy.legacy_cleanup`,
  ])
  const removal = rows.find((r) => r.step === REMOVAL)
  return { removed: !!removal, archived: !!removal && !removal.confirmed, decoupled: rows.some((r) => r.step === DECOUPLING) }
}

/**
 * One row's keys out, as remove-br-l2's removeBatch takes a batch's: archived (merged into the row's
 * archive entry, the value taken now winning: it is the latest), removed from the row without touching
 * its updated_at, and what the archive gained added to the step's evidence, which its confirm step
 * compares with the archive. Returns the number of keys taken out.
 */
export async function takeOut(tx: TransactionSql, s: Source, rowId: number, cleanup: Cleanup): Promise<number> {
  const table = tx(s.table)
  const column = tx(s.column)
  const [row] = await tx<{ keys: number; new_rows: number; new_keys: number }[]>`
    WITH moved AS MATERIALIZED (
      SELECT x.id, (SELECT jsonb_object_agg(k, x.${column} -> k) FROM unnest(${s.keys}::text[]) AS k WHERE x.${column} ? k) AS removed
      FROM ${table} x
      WHERE x.id = ${rowId} AND jsonb_typeof(x.${column}) = 'object' AND x.${column} ?| ${s.keys}::text[]
    ), gained AS MATERIALIZED (
      SELECT a.row_id IS NULL AS new_row,
        (SELECT count(*) FROM jsonb_object_keys(m.removed) AS k WHERE NOT coalesce(a.removed ? k, false)) AS new_keys
      FROM moved m LEFT JOIN org_proxy.legacy_archive a
        ON a.table_name = ${s.table} AND a.row_id = m.id::text AND a.column_name = ${s.column}
    ), archived AS (
      INSERT INTO org_proxy.legacy_archive (table_name, row_id, column_name, removed)
      SELECT ${s.table}, id::text, ${s.column}, removed FROM moved WHERE ${cleanup.archived}::boolean
      ON CONFLICT (table_name, row_id, column_name) DO UPDATE SET removed = legacy_archive.removed || excluded.removed, archived_at = now()
    ), emptied AS (
      UPDATE ${table} x SET ${column} = x.${column} - ${s.keys}::text[] FROM moved m WHERE x.id = m.id
    )
    SELECT coalesce((SELECT count(*) FROM moved m, jsonb_object_keys(m.removed)), 0)::int AS keys,
      (SELECT count(*) FILTER (WHERE new_row) FROM gained)::int AS new_rows,
      (SELECT coalesce(sum(new_keys), 0) FROM gained)::int AS new_keys`
  if (cleanup.archived) await addEvidence(tx, REMOVAL, { [`${s.table}.rows`]: row!.new_rows, [`${s.table}.keys`]: row!.new_keys })
  return row!.keys
}
