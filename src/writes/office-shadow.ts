// How POST /v1/elected-office is shadowed: legacy's office (and the serve organization phase 1's dual
// write gave it) is undone inside the shadow's transaction, the new handler creates its own, and both
// are read back in one shape: the office row without timestamps, whether it names a campaign, and its
// organization's kind and position/district fields.
import type { TransactionSql } from '../db/index.js'
import { fieldSelectSql } from '../organizations/index.js'
import type { LegacyAnswer, WriteShadow } from '../routes/types.js'

/** The rows an office write leaves: the office (its organization is found through it). */
export type OfficeKeys = { officeId: string }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function legacyOffice(legacy: LegacyAnswer): string | null {
  const id = (legacy.json as { id?: unknown } | null)?.id
  return legacy.status === 201 && typeof id === 'string' && UUID.test(id) ? id.toLowerCase() : null
}

export const officeCreateShadow: WriteShadow<OfficeKeys> = {
  legacyWrote: (_input, legacy) => {
    const officeId = legacyOffice(legacy)
    return officeId ? { officeId } : null
  },

  async undo(tx, _input, legacy) {
    const officeId = legacyOffice(legacy)
    if (!officeId) return
    const [gone] = await tx<{ organization_id: string | null }[]>`
      DELETE FROM elected_office WHERE id = ${officeId}::uuid RETURNING organization_id::text`
    if (!gone?.organization_id) return
    // Only an organization that nothing else uses: the office's own serve organization.
    await tx`
      DELETE FROM organization o WHERE o.id = ${gone.organization_id}::uuid AND o.kind = 'serve'
        AND NOT EXISTS (SELECT 1 FROM campaign c WHERE c.organization_id = o.id)
        AND NOT EXISTS (SELECT 1 FROM elected_office e WHERE e.organization_id = o.id)`
  },

  readBack: readOffice,
}

/**
 * campaign_id is read only through the row's JSON, so this keeps working once phase 3 drops the column
 * (it then reads as unset, which is what the new write leaves anyway).
 */
export async function readOffice(db: TransactionSql, keys: OfficeKeys): Promise<unknown> {
  const [row] = await db`
    SELECT e.id::text AS id,
      to_char(e."electedDate", 'YYYY-MM-DD') AS "electedDate",
      to_char(e."swornInDate", 'YYYY-MM-DD') AS "swornInDate",
      to_char(e."termStartDate", 'YYYY-MM-DD') AS "termStartDate",
      to_char(e."termEndDate", 'YYYY-MM-DD') AS "termEndDate",
      e."termLengthDays", e."isActive", e.user_id AS "userId",
      coalesce(jsonb_typeof(to_jsonb(e)->'campaign_id') = 'number', false) AS "hasCampaignId",
      e.organization_id::text AS "organizationId",
      (SELECT to_json(x) FROM (SELECT o.kind, o.owner_id AS "ownerId", ${db.unsafe(fieldSelectSql('o'))}
        FROM organization o WHERE o.id = e.organization_id) x) AS organization
    FROM elected_office e WHERE e.id = ${keys.officeId}::uuid`
  return row ?? { id: keys.officeId, exists: false }
}
