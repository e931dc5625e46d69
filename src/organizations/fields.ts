// The Organization columns that come from legacy rows, each with the legacy key it is read from and
// the rule that cleans it: the one table both the TypeScript mapping and its SQL twin are built from,
// so they can never list different fields or read different keys.
import type { BrField, L2Field } from '../domain/index.js'

/**
 * How a legacy value becomes a column value:
 * - `text`: a string (trimmed of spaces, tabs and line breaks; blank → null) or a whole number below
 *   1e15 written as its decimal text (ids stored as numbers); anything else is invalid;
 * - `state`: `text`, then two ASCII letters, upper-cased;
 * - `ballotLevel`: `text`, then one of BALLOT_LEVELS ignoring ASCII case, upper-cased;
 * - `office`: `text`; any ASCII casing of "other" becomes "Other";
 * - `otherOffice`: `text`, kept only when the office is "Other" (a stale one is dropped, not invalid);
 * - `date`: a string `YYYY-MM-DD` (a `T…` time part is cut off) or `M/D/YYYY`, a real calendar day
 *   with the year in 1900–2199;
 * - `boolean`: JSON true/false, or the strings "true"/"false".
 */
export type FieldRule = 'text' | 'state' | 'ballotLevel' | 'office' | 'otherOffice' | 'date' | 'boolean'

export type FieldSpec =
  | { column: string; source: 'details'; key: BrField; rule: FieldRule }
  | { column: string; source: 'data'; key: L2Field; rule: FieldRule }

/** In table order. `details` is campaign.details; `data` is path_to_victory.data. */
export const FIELD_SPECS = [
  { column: 'position_id', source: 'details', key: 'positionId', rule: 'text' },
  { column: 'election_id', source: 'details', key: 'electionId', rule: 'text' },
  { column: 'race_id', source: 'details', key: 'raceId', rule: 'text' },
  { column: 'state', source: 'details', key: 'state', rule: 'state' },
  { column: 'office', source: 'details', key: 'office', rule: 'office' },
  { column: 'other_office', source: 'details', key: 'otherOffice', rule: 'otherOffice' },
  { column: 'ballot_level', source: 'details', key: 'ballotLevel', rule: 'ballotLevel' },
  { column: 'office_term_length', source: 'details', key: 'officeTermLength', rule: 'text' },
  { column: 'election_date', source: 'details', key: 'electionDate', rule: 'date' },
  { column: 'primary_election_date', source: 'details', key: 'primaryElectionDate', rule: 'date' },
  { column: 'partisan_type', source: 'details', key: 'partisanType', rule: 'text' },
  { column: 'filing_periods_start', source: 'details', key: 'filingPeriodsStart', rule: 'date' },
  { column: 'filing_periods_end', source: 'details', key: 'filingPeriodsEnd', rule: 'date' },
  { column: 'l2_district_type', source: 'data', key: 'electionType', rule: 'text' },
  { column: 'l2_district_name', source: 'data', key: 'electionLocation', rule: 'text' },
  { column: 'district_id', source: 'data', key: 'districtId', rule: 'text' },
  { column: 'district_manually_set', source: 'data', key: 'districtManuallySet', rule: 'boolean' },
  { column: 'district_source', source: 'data', key: 'source', rule: 'text' },
] as const satisfies readonly FieldSpec[]

export type FieldColumn = (typeof FIELD_SPECS)[number]['column']
export const FIELD_COLUMNS = FIELD_SPECS.map((f) => f.column) as FieldColumn[]

type ValueOf<R extends FieldRule> = R extends 'date' ? string : R extends 'boolean' ? boolean : string
/** The legacy-sourced columns of one organization. Dates are `YYYY-MM-DD` strings (a `date` column). */
export type OrganizationFields = { [F in (typeof FIELD_SPECS)[number] as F['column']]: ValueOf<F['rule']> | null }

export type OrganizationKind = 'win' | 'serve'

/**
 * One category per mapped row, for the backfill summary and verify:
 * - `exact`: a position (positionId or office) and a district (type and name, or districtId);
 * - `position-only` / `district-only`: one of the two;
 * - `no-data`: neither (a campaign that never chose an office, no or empty P2V);
 * - `invalid-details`: `details` or P2V `data` is not a JSON object (e.g. double-encoded as a string);
 * - `orphan`: an elected office whose campaign row is gone.
 */
export const OUTCOMES = ['exact', 'position-only', 'district-only', 'no-data', 'invalid-details', 'orphan'] as const
export type Outcome = (typeof OUTCOMES)[number]

/** Where a column's value comes from, as a field path of the legacy JSON (reports print it). */
export function legacyPath(spec: FieldSpec): string {
  return spec.source === 'details' ? `details.${spec.key}` : `pathToVictory.data.${spec.key}`
}

export function emptyFields(): OrganizationFields {
  return Object.fromEntries(FIELD_COLUMNS.map((c) => [c, null])) as OrganizationFields
}
