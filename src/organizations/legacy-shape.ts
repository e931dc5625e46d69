// The inverse of the mapping, for phase 2's organization-backed reads: an organization's columns back
// in the legacy JSON shape (the BR keys of campaign.details, the L2 keys of path_to_victory.data), so
// an answer built from them compares equal with gp-api's for data in sync.
import { BR_FIELDS, L2_FIELDS, type BrField, type L2Field } from '../domain/index.js'
import { FIELD_SPECS, type OrganizationFields } from './fields.js'
import { mapLegacyRows } from './mapping.js'

/** Ids that gp-api's web app writes as JSON numbers: plain decimal whole numbers (no leading zero). */
const NUMERIC_ID = /^(0|-?[1-9][0-9]{0,14})$/
const ID_KEYS = new Set<string>(['positionId', 'electionId', 'raceId'])

export type LegacyDetailsPart = Partial<Record<BrField, string | number>>
export type LegacyP2vPart = Partial<Record<L2Field, string | number | boolean>>

/**
 * The BR keys of `details` for an organization, null columns left out (gp-api leaves unset keys out).
 * Ids that look like numbers come back as numbers, dates as `YYYY-MM-DD`.
 * @example { ...withoutKeys(campaign.details, BR_FIELDS), ...toLegacyDetails(org) }
 */
export function toLegacyDetails(fields: OrganizationFields): LegacyDetailsPart {
  const out: LegacyDetailsPart = {}
  for (const spec of FIELD_SPECS) {
    if (spec.source !== 'details') continue
    const v = fields[spec.column]
    if (v === null) continue
    out[spec.key] = ID_KEYS.has(spec.key) && typeof v === 'string' && NUMERIC_ID.test(v) ? Number(v) : (v as string)
  }
  return out
}

/** The L2 keys of P2V `data` for an organization, null columns left out. */
export function toLegacyP2vData(fields: OrganizationFields): LegacyP2vPart {
  const out: LegacyP2vPart = {}
  for (const spec of FIELD_SPECS) {
    if (spec.source !== 'data') continue
    const v = fields[spec.column]
    if (v !== null) out[spec.key] = v
  }
  return out
}

/**
 * What gp-api's `details` / P2V `data` would read as once cleaned by the mapping: the form to compare
 * an organization-backed answer against (a lower-case "ca" and "CA" are the same state).
 */
export function canonicalLegacy(details: unknown, p2vData: unknown): { details: LegacyDetailsPart; data: LegacyP2vPart } {
  const epoch = new Date(0)
  const m = mapLegacyRows({ campaign: { id: 0, userId: 0, details, updatedAt: epoch }, pathToVictory: { data: p2vData, updatedAt: epoch } })
  return { details: toLegacyDetails(m.fields), data: toLegacyP2vData(m.fields) }
}

/** A copy of a legacy JSON object without the given keys (to lay the organization's values over it). */
export function withoutKeys(obj: unknown, keys: readonly string[]): Record<string, unknown> {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return {}
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(obj)) if (!keys.includes(k)) out[k] = v
  return out
}

export { BR_FIELDS, L2_FIELDS }
