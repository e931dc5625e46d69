// THE mapping from legacy rows (campaign + details, path_to_victory + data, elected office) to an
// Organization: a pure function that the dual writes, reconcile, verify and phase 2's comparisons all
// call, so that nowhere else decides what a messy legacy value means. mapping-sql.ts is its SQL twin
// for the set-based backfill; test/organizations/mapping-sql.test.ts keeps them equal.
import {
  emptyFields,
  FIELD_SPECS,
  legacyPath,
  type FieldRule,
  type FieldSpec,
  type OrganizationFields,
  type OrganizationKind,
  type Outcome,
} from './fields.js'
import { cleanBallotLevel, cleanBoolean, cleanDate, cleanOffice, cleanState, cleanText, isOtherOffice, type Cleaned } from './rules.js'

/** `updatedAt` is the legacy `timestamp(3)` read as UTC (gp-api and Prisma write UTC wall-clock time). */
export type LegacyCampaign = { id: number; userId: number; details: unknown; updatedAt: Date }
export type LegacyPathToVictory = { data: unknown; updatedAt: Date }
export type LegacyElectedOffice = { id: string; userId: number; campaignId: number | null; updatedAt: Date }

/**
 * The rows one organization is computed from. A `win` organization: the campaign and its P2V. A
 * `serve` organization: the office, plus its campaign and P2V (the office has no BR/L2 fields of its
 * own in gp-api: it shows its campaign's, so its organization mirrors them until phase 3 decouples
 * them). `campaign: null` with an office is an orphan.
 */
export type LegacyRows = {
  campaign: LegacyCampaign | null
  pathToVictory: LegacyPathToVictory | null
  electedOffice?: LegacyElectedOffice | null
}

export type MappedOrganization = {
  kind: OrganizationKind
  ownerId: number
  fields: OrganizationFields
  outcome: Outcome
  /** Legacy field paths whose value was present but unusable (stored as null). */
  invalid: string[]
  /** What was cleaned, one line per change ("details.state: \"ca\" → \"CA\""). */
  notes: string[]
  /** The newest `updatedAt` among the rows used. */
  legacySyncedAt: Date | null
}

const CLEAN: Record<Exclude<FieldRule, 'otherOffice'>, (raw: unknown) => Cleaned<string | boolean>> = {
  text: cleanText,
  state: cleanState,
  ballotLevel: cleanBallotLevel,
  office: cleanOffice,
  date: cleanDate,
  boolean: cleanBoolean,
}

/**
 * @example
 * const m = mapLegacyRows({ campaign: { id: 1, userId: 7, details: { positionId: '42', state: 'ca' }, updatedAt }, pathToVictory: null })
 * m.fields.position_id // '42'; m.fields.state // 'CA'; m.outcome // 'position-only'
 */
export function mapLegacyRows(rows: LegacyRows): MappedOrganization {
  const office = rows.electedOffice ?? null
  const campaign = rows.campaign
  if (!office && !campaign) throw new Error('mapLegacyRows: neither a campaign nor an elected office to map')
  const kind: OrganizationKind = office ? 'serve' : 'win'
  const ownerId = office ? office.userId : campaign!.userId
  const fields = emptyFields()
  const invalid: string[] = []
  const notes: string[] = []
  const p2v = campaign ? rows.pathToVictory : null
  const legacySyncedAt = newest([office?.updatedAt, campaign?.updatedAt, p2v?.updatedAt])
  if (!campaign) {
    notes.push(`elected office ${office!.id}: campaign ${office!.campaignId ?? '(none)'} not found`)
    return { kind, ownerId, fields, outcome: 'orphan', invalid, notes, legacySyncedAt }
  }
  if (!p2v) notes.push('no path_to_victory row')
  const details = objectOrNull(campaign.details, 'details', invalid, notes)
  const data = objectOrNull(p2v?.data, 'pathToVictory.data', invalid, notes)
  const shapeInvalid = invalid.length > 0

  for (const spec of FIELD_SPECS as readonly FieldSpec[]) {
    const raw = (spec.source === 'details' ? details : data)?.[spec.key]
    const path = legacyPath(spec)
    if (spec.rule === 'otherOffice') {
      // Decided after `office` (listed before it in FIELD_SPECS): kept only with office "Other".
      const t = cleanText(raw)
      if (isOtherOffice(fields.office)) record(fields, spec.column, t, path, invalid, notes)
      else if (t.value !== null || t.invalid) notes.push(`${path}: ignored, office is not "Other"`)
      continue
    }
    record(fields, spec.column, CLEAN[spec.rule](raw), path, invalid, notes)
  }
  return { kind, ownerId, fields, outcome: shapeInvalid ? 'invalid-details' : outcomeOf(fields), invalid, notes, legacySyncedAt }
}

/** The category of a mapped row with usable details (see OUTCOMES). */
export function outcomeOf(f: OrganizationFields): Outcome {
  const position = f.position_id !== null || f.office !== null
  const district = (f.l2_district_type !== null && f.l2_district_name !== null) || f.district_id !== null
  if (position && district) return 'exact'
  if (position) return 'position-only'
  if (district) return 'district-only'
  return 'no-data'
}

function record(fields: OrganizationFields, column: string, c: Cleaned<string | boolean>, path: string, invalid: string[], notes: string[]): void {
  ;(fields as Record<string, unknown>)[column] = c.value
  if (c.invalid) invalid.push(path)
  if (c.note) notes.push(`${path}: ${c.note}`)
}

/** A JSON object is used; JSON null or no row is empty; anything else (a string, an array) is invalid. */
function objectOrNull(v: unknown, path: string, invalid: string[], notes: string[]): Record<string, unknown> | null {
  if (v === undefined || v === null) return null
  if (typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>
  invalid.push(path)
  notes.push(`${path}: not a JSON object (${Array.isArray(v) ? 'array' : typeof v}); its fields are left empty`)
  return null
}

function newest(dates: (Date | undefined | null)[]): Date | null {
  let best: Date | null = null
  for (const d of dates) if (d && (!best || d.getTime() > best.getTime())) best = d
  return best
}
