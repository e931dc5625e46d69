// Creates the missing organizations of campaigns and offices and links them, locking the legacy rows in
// id order so that two syncs (or a sync and the backfill) never give one row two organizations.
import type { TransactionSql } from '../db/index.js'

/** Creates an empty `win` organization for each target campaign without one and links it. */
export async function linkMissingCampaigns(tx: TransactionSql, ids: number[]): Promise<string[]> {
  if (!ids.length) return []
  // The campaign rows are locked in id order; a concurrent sync waiting here re-checks
  // `organization_id IS NULL` once it gets the row and skips it, so one campaign never gets two.
  const rows = await tx<{ organization_id: string }[]>`
    WITH t AS (
      SELECT c.id, c.user_id, gen_random_uuid() AS org_id FROM campaign c
      WHERE c.id = ANY(${ids}::int[]) AND c.organization_id IS NULL
      ORDER BY c.id FOR UPDATE
    ), ins AS (
      INSERT INTO organization (id, owner_id, kind) SELECT org_id, user_id, 'win' FROM t
    )
    UPDATE campaign c SET organization_id = t.org_id FROM t WHERE c.id = t.id
    RETURNING c.organization_id::text`
  return rows.map((r) => r.organization_id)
}

export async function linkMissingOffices(tx: TransactionSql, ids: string[]): Promise<string[]> {
  if (!ids.length) return []
  const rows = await tx<{ organization_id: string }[]>`
    WITH t AS (
      SELECT e.id, e.user_id, gen_random_uuid() AS org_id FROM elected_office e
      WHERE e.id = ANY(${ids}::uuid[]) AND e.organization_id IS NULL
      ORDER BY e.id FOR UPDATE
    ), ins AS (
      INSERT INTO organization (id, owner_id, kind) SELECT org_id, user_id, 'serve' FROM t
    )
    UPDATE elected_office e SET organization_id = t.org_id FROM t WHERE e.id = t.id
    RETURNING e.organization_id::text`
  return rows.map((r) => r.organization_id)
}
