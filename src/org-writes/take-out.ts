// The legacy side of phase 3's key move: which cleanup steps are in force (read under the cleanup lock,
// as phase 1's guard reads them), and taking one row's BR/L2 keys out into org_proxy.legacy_archive the
// way remove-br-l2's removal batches do, so its rollback and confirm steps see one consistent archive.
import { KEY_SOURCES, takeOutKeys, type KeySource } from '../contract/remove-br-l2.js'
import type { TransactionSql } from '../db/index.js'
import { LEGACY_CLEANUP_LOCK, type CleanupStep } from '../organizations/index.js'

const REMOVAL: CleanupStep = 'remove-br-l2'
const DECOUPLING: CleanupStep = 'elected-office-campaign-id'

/** Where each kind of key lives (as remove-br-l2's job walks them). */
export const SOURCES = KEY_SOURCES

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
 * One row's keys out, exactly as remove-br-l2's removal batches take a batch's (takeOutKeys): archived
 * while the removal is not confirmed (the value taken now winning: it is the latest), removed from the
 * row without touching its updated_at. Returns the number of keys taken out.
 */
export async function takeOut(tx: TransactionSql, s: KeySource, rowId: number, cleanup: Cleanup): Promise<number> {
  return (await takeOutKeys(tx, s, tx`SELECT ${rowId}::int AS id`, cleanup.archived)).keys
}
