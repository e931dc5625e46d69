// How an organization looks to the product switcher: what it is (win or serve), a name to show, the
// position and district it stands for, and the campaign or office behind it. No personal names: the
// switcher shows the user's own organizations, labelled by office.
import type { OrganizationFields, OrganizationKind } from '../organizations/index.js'

export type OrganizationSummary = {
  id: string
  kind: OrganizationKind
  /** "Campaign for City Council", "City Council", "City Council (past term)". */
  displayName: string
  /** BallotReady ids (opaque text) and the office as named. */
  position: {
    positionId: string | null
    electionId: string | null
    raceId: string | null
    name: string | null
    state: string | null
    ballotLevel: string | null
  }
  /** The L2 district. */
  district: { type: string | null; name: string | null; id: string | null }
  campaignId: number | null
  electedOfficeId: string | null
  /** A campaign's organization, or the active office's; false for a past term. */
  active: boolean
  /** The organization requests act on when they send no X-Organization-Id. */
  isDefault: boolean
}

export type SummaryInput = {
  id: string
  kind: OrganizationKind
  fields: OrganizationFields
  campaignId: number | null
  electedOfficeId: string | null
  officeActive: boolean | null
  isDefault: boolean
}

/** The office as the user picked it: the free-text office when they chose "Other". */
export function officeName(f: OrganizationFields): string | null {
  return f.office === 'Other' ? (f.other_office ?? 'Other') : f.office
}

export function displayName(kind: OrganizationKind, office: string | null, active: boolean): string {
  if (kind === 'win') return office ? `Campaign for ${office}` : 'Campaign'
  const name = office ?? 'Elected office'
  return active ? name : `${name} (past term)`
}

/** @example summarize({ id, kind: 'win', fields, campaignId: 3, electedOfficeId: null, officeActive: null, isDefault: true }) */
export function summarize(o: SummaryInput): OrganizationSummary {
  const f = o.fields
  const office = officeName(f)
  const active = o.kind === 'win' ? o.campaignId !== null : o.officeActive === true
  return {
    id: o.id,
    kind: o.kind,
    displayName: displayName(o.kind, office, active),
    position: { positionId: f.position_id, electionId: f.election_id, raceId: f.race_id, name: office, state: f.state, ballotLevel: f.ballot_level },
    district: { type: f.l2_district_type, name: f.l2_district_name, id: f.district_id },
    campaignId: o.campaignId,
    electedOfficeId: o.electedOfficeId,
    active,
    isDefault: o.isDefault,
  }
}
