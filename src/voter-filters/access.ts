// The plan's access rules for segments, by the organization's kind (replacing gp-api's
// `isPro || hasElectedOffice`): a `serve` organization sees every segment without the Political Party
// fields; a `win` organization must be pro, otherwise it is told to go pro.
import { PARTY_FIELDS } from '../domain/index.js'
import { PRO_REQUIRED_TYPE, refuse, type Organization } from '../org-context/index.js'
import type { FilterAccess } from './sql.js'

/** The refusal of a `win` organization that is not pro, or null when it may see its segments. */
export function proRequired(org: Organization<FilterAccess>): Response | null {
  if (org.kind !== 'win' || org.included.isPro) return null
  return refuse({
    status: 403,
    type: PRO_REQUIRED_TYPE,
    message: 'Campaign is not pro',
    detail: 'Voter file segments of a campaign are a GoodParty.org Pro feature: upgrade your campaign to Pro to use them.',
  })
}

/** A segment as this organization may see it: a `serve` organization never gets the party fields. */
export function visibleTo(kind: Organization['kind'], filter: Record<string, unknown>): Record<string, unknown> {
  if (kind !== 'serve') return filter
  const out = { ...filter }
  for (const f of PARTY_FIELDS) delete out[f]
  return out
}
