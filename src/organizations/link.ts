// Creates the missing organizations of campaigns and offices and links them, locking the legacy rows in
// id order so that two syncs (or a sync and the backfill) never give one row two organizations.
import type { TransactionSql } from '../db/index.js'

/** How each legacy row kind gets its organization: the table, its id type, and the organization's kind. */
const LINKS = {
  campaign: { table: 'campaign', idType: 'int', kind: 'win' },
  office: { table: 'elected_office', idType: 'uuid', kind: 'serve' },
} as const

/**
 * Creates an empty organization for each target row without one and links it. The rows are locked in id
 * order; a concurrent sync waiting here re-checks `organization_id IS NULL` once it gets the row and skips
 * it, so one row never gets two organizations.
 */
async function linkMissing(tx: TransactionSql, link: (typeof LINKS)[keyof typeof LINKS], ids: readonly (number | string)[]): Promise<string[]> {
  if (!ids.length) return []
  const rows = await tx<{ organization_id: string }[]>`
    WITH t AS (
      SELECT r.id, r.user_id, gen_random_uuid() AS org_id FROM ${tx(link.table)} r
      WHERE r.id = ANY(${ids as never}::${tx.unsafe(link.idType)}[]) AND r.organization_id IS NULL
      ORDER BY r.id FOR UPDATE
    ), ins AS (
      INSERT INTO organization (id, owner_id, kind) SELECT org_id, user_id, ${link.kind} FROM t
    )
    UPDATE ${tx(link.table)} r SET organization_id = t.org_id FROM t WHERE r.id = t.id
    RETURNING r.organization_id::text`
  return rows.map((r) => r.organization_id)
}

/** Creates an empty `win` organization for each target campaign without one and links it. */
export const linkMissingCampaigns = (tx: TransactionSql, ids: number[]) => linkMissing(tx, LINKS.campaign, ids)

/** Creates an empty `serve` organization for each target office without one and links it. */
export const linkMissingOffices = (tx: TransactionSql, ids: string[]) => linkMissing(tx, LINKS.office, ids)
