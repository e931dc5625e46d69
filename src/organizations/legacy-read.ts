// Reads the legacy rows an organization is computed from and maps them (mapping.ts): a campaign with its
// P2V row, or an elected office with its campaign's. Timestamps are read as UTC, as gp-api writes them.
import type { TransactionSql } from '../db/index.js'
import { mapLegacyRows, type LegacyRows, type MappedOrganization } from './mapping.js'

export type Wanted = { organizationId: string; campaignId?: number; officeId?: string; mapped: MappedOrganization }

type CampaignRow = {
  id: number
  user_id: number
  organization_id: string
  details: unknown
  updated_at: Date
  has_p2v: boolean
  data: unknown
  p2v_updated_at: Date | null
}

export async function readCampaigns(tx: TransactionSql, ids: number[]): Promise<Wanted[]> {
  if (!ids.length) return []
  const rows = await tx<CampaignRow[]>`
    SELECT c.id, c.user_id, c.organization_id::text, c.details, c.updated_at AT TIME ZONE 'UTC' AS updated_at,
      p.campaign_id IS NOT NULL AS has_p2v, p.data, p.updated_at AT TIME ZONE 'UTC' AS p2v_updated_at
    FROM campaign c LEFT JOIN path_to_victory p ON p.campaign_id = c.id
    WHERE c.id = ANY(${ids}::int[]) AND c.organization_id IS NOT NULL`
  return rows.map((r) => ({ organizationId: r.organization_id, campaignId: r.id, mapped: mapLegacyRows(legacyRows(r)) }))
}

export async function readOffices(tx: TransactionSql, ids: string[]): Promise<Wanted[]> {
  if (!ids.length) return []
  const rows = await tx<(CampaignRow & { office_id: string; office_user_id: number; campaign_id: number | null; office_updated_at: Date; office_org: string })[]>`
    SELECT e.id::text AS office_id, e.user_id AS office_user_id, e.campaign_id, e.organization_id::text AS office_org,
      e.updated_at AT TIME ZONE 'UTC' AS office_updated_at,
      c.id, c.user_id, c.details, c.updated_at AT TIME ZONE 'UTC' AS updated_at,
      p.campaign_id IS NOT NULL AS has_p2v, p.data, p.updated_at AT TIME ZONE 'UTC' AS p2v_updated_at
    FROM elected_office e
    LEFT JOIN campaign c ON c.id = e.campaign_id
    LEFT JOIN path_to_victory p ON p.campaign_id = c.id
    WHERE e.id = ANY(${ids}::uuid[]) AND e.organization_id IS NOT NULL`
  return rows.map((r) => ({
    organizationId: r.office_org,
    officeId: r.office_id,
    mapped: mapLegacyRows({
      ...legacyRows(r),
      electedOffice: { id: r.office_id, userId: r.office_user_id, campaignId: r.campaign_id, updatedAt: r.office_updated_at },
    }),
  }))
}

/** The mapping's input from a row of campaign ⟕ path_to_victory (campaign columns null: no campaign). */
export function legacyRows(r: Pick<CampaignRow, 'id' | 'user_id' | 'details' | 'updated_at' | 'has_p2v' | 'data' | 'p2v_updated_at'>): LegacyRows {
  return {
    campaign: r.id === null ? null : { id: r.id, userId: r.user_id, details: r.details, updatedAt: r.updated_at },
    pathToVictory: r.has_p2v ? { data: r.data, updatedAt: r.p2v_updated_at! } : null,
  }
}
