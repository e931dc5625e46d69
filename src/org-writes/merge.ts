// Phase 3's per-key merge: the BR/L2 keys a legacy row holds are laid over the organization's current
// values (through phase 1's inverse mapping), and the result goes through phase 1's one mapping. So a
// moved key is cleaned exactly as the backfill cleans it, rules that join two keys (otherOffice counts
// only with office "Other") see the organization's side too, and a key the row does not hold leaves its
// column as it is: after remove-br-l2 a row holds only what its last writes put there.
import { BR_FIELDS, L2_FIELDS } from '../domain/index.js'
import {
  mapLegacyRows,
  toLegacyDetails,
  toLegacyP2vData,
  type LegacyElectedOffice,
  type MappedOrganization,
  type OrganizationFields,
} from '../organizations/index.js'

/** The BR keys of campaign.details and the L2 keys of path_to_victory.data a row holds (a JSON null included). */
export type HeldKeys = { details: Record<string, unknown>; data: Record<string, unknown> }

/**
 * @example heldKeys({ positionId: 5, issues: [] }, { winNumber: 9, electionType: null })
 * // { details: { positionId: 5 }, data: { electionType: null } }
 */
export function heldKeys(details: unknown, data: unknown): HeldKeys {
  return { details: pick(details, BR_FIELDS), data: pick(data, L2_FIELDS) }
}

export function heldCount(h: HeldKeys): number {
  return Object.keys(h.details).length + Object.keys(h.data).length
}

/** The legacy rows the organization is kept in step with: their ids, owner and timestamps (UTC), not their JSON. */
export type MergeRows = {
  campaign: { id: number; userId: number; updatedAt: Date }
  /** null: the campaign has no path_to_victory row (its L2 columns are then left as they are). */
  p2vUpdatedAt: Date | null
  /** A serve organization mirroring its campaign (until elected-office-campaign-id decouples them). */
  office?: LegacyElectedOffice
}

/**
 * The organization after the merge: fields, owner, kind and legacy_synced_at as phase 1's mapping gives
 * them for rows holding the organization's values with the held keys written over them.
 * @example mergeHeldKeys(org, heldKeys({ positionId: ' 7 ' }, null), rows).fields.position_id // '7'
 */
export function mergeHeldKeys(current: OrganizationFields, held: HeldKeys, rows: MergeRows): MappedOrganization {
  // toLegacyDetails/toLegacyP2vData invert the mapping exactly (mapping them gives the same columns back),
  // so a column whose key is not held comes out of mapLegacyRows unchanged.
  const details = { ...toLegacyDetails(current), ...held.details }
  const data = { ...toLegacyP2vData(current), ...held.data }
  return mapLegacyRows({
    campaign: { id: rows.campaign.id, userId: rows.campaign.userId, details, updatedAt: rows.campaign.updatedAt },
    // Always a P2V object: a missing row holds no key, which must leave the L2 columns, not empty them.
    pathToVictory: { data, updatedAt: rows.p2vUpdatedAt ?? rows.campaign.updatedAt },
    ...(rows.office ? { electedOffice: rows.office } : {}),
  })
}

function pick(obj: unknown, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  // A row that is not a JSON object holds no keys (the mapping reads none from it either).
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return out
  for (const k of keys) if (Object.prototype.hasOwnProperty.call(obj, k)) out[k] = (obj as Record<string, unknown>)[k]
  return out
}
