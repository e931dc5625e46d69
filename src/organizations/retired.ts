// The one check phase 1's machinery (dual writes, outbox, reconcile, the organizations backfill and its
// verify) asks before it maps legacy rows onto organizations: once a phase 3 cleanup step has removed
// the BR/L2 keys (or elected_office.campaign_id) those rows no longer hold the fields, and mapping them
// would wipe the organization, which is by then the only copy. A row in org_proxy.legacy_cleanup says
// so; rolling the step back deletes it and phase 1 works again.
import type { Queryable, TransactionSql } from '../db/index.js'

/**
 * Key of the advisory lock between phase 1 syncs (shared) and a cleanup step starting (exclusive): the
 * step's marker commits only after every sync that began before it has finished, and every sync that
 * begins after it sees the marker, so no sync reads a legacy row a removal batch has already emptied.
 */
export const LEGACY_CLEANUP_LOCK = 0x6f7267_0310

/** The cleanup steps that retire phase 1's sync (org_proxy.legacy_cleanup.step). */
export type CleanupStep = 'remove-br-l2' | 'elected-office-campaign-id'

const STEP_WORDS: Record<CleanupStep, string> = {
  'remove-br-l2': 'the BR/L2 keys were removed from campaign.details and path_to_victory.data',
  'elected-office-campaign-id': 'elected_office.campaign_id was dropped',
}

/** Thrown by phase 1 paths once the legacy rows no longer carry the organization fields. */
export class LegacySourceRetiredError extends Error {
  readonly code = 'legacy-source-retired'
  constructor(readonly steps: string[]) {
    super(`phase 1 sync is retired: ${steps.map((s) => STEP_WORDS[s as CleanupStep] ?? s).join(' and ')} (contract step ${steps.join(', ')}); the organization is the source of truth, roll the step back to sync from legacy again`)
    this.name = 'LegacySourceRetiredError'
  }
}

/** The cleanup steps in force (started and not rolled back), oldest first; empty while phase 1 may sync. */
export async function retiredBy(db: Queryable): Promise<string[]> {
  const rows = await db<{ step: string }[]>`SELECT step FROM org_proxy.legacy_cleanup ORDER BY started_at, step`
  return rows.map((r) => r.step)
}

/**
 * For a phase 1 path inside its transaction: takes the shared side of the cleanup lock (held until
 * commit) and throws LegacySourceRetiredError when a cleanup step is in force.
 * @example await sql.begin(async (tx) => { await assertLegacySourceLive(tx); … })
 */
export async function assertLegacySourceLive(tx: TransactionSql): Promise<void> {
  // Pipelined: one round trip; the lock is granted before the read takes its snapshot.
  const [, steps] = await Promise.all([tx`SELECT pg_advisory_xact_lock_shared(${LEGACY_CLEANUP_LOCK})`, retiredBy(tx)])
  if (steps.length) throw new LegacySourceRetiredError(steps)
}

/**
 * Marks a cleanup step as started (repeatable), after every phase 1 sync in flight has finished.
 * @example await sql.begin((tx) => retireLegacySource(tx, 'remove-br-l2'))
 */
export async function retireLegacySource(tx: TransactionSql, step: CleanupStep): Promise<void> {
  await tx`SELECT pg_advisory_xact_lock(${LEGACY_CLEANUP_LOCK})`
  await tx`INSERT INTO org_proxy.legacy_cleanup (step) VALUES (${step}) ON CONFLICT (step) DO NOTHING`
}

export function isLegacySourceRetired(err: unknown): err is LegacySourceRetiredError {
  return err instanceof LegacySourceRetiredError || (err as { code?: string } | null)?.code === 'legacy-source-retired'
}
