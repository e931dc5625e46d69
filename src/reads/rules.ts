// The comparison rules of the organization-backed reads. For GET /v1/campaigns/mine they are derived
// from phase 1's field table, one group per cleaning rule of the mapping, each scoped to exactly the BR
// paths of `details` and the L2 paths of `pathToVictory.data` it applies to: in-sync data compares as a
// match (or expected, where the mapping changed a spelling), and every difference left is drift or a bug.
import type { CompareRulesInput, JsonType } from '../compare/index.js'
import { BALLOT_LEVELS } from '../domain/index.js'
import { FIELD_SPECS, legacyPath, type FieldRule } from '../organizations/index.js'
import { PROBLEM_MEMBERS_EXPECTED } from '../org-context/index.js'
import { blankSpellings, casings, commonCasings, padded, US_STATE_CODES, usDateSpellings } from './spellings.js'

type Expected = NonNullable<CompareRulesInput['expected']>[number]

/** JSON types a rule of the mapping never accepts (their values become null, reported as invalid). */
const NEVER_VALID: Record<FieldRule, JsonType[]> = {
  text: ['boolean', 'object', 'array'],
  office: ['boolean', 'object', 'array'],
  otherOffice: ['boolean', 'object', 'array'],
  state: ['number', 'boolean', 'object', 'array'],
  ballotLevel: ['number', 'boolean', 'object', 'array'],
  date: ['number', 'boolean', 'object', 'array'],
  boolean: ['number', 'object', 'array'],
}

/**
 * Dates the rules recognise when legacy wrote them M/D/YYYY. The mapping accepts 1900–2199; these
 * years cover every election, primary and filing date a campaign of the product's lifetime holds, and
 * keep the list (an equality set the comparison checks) small.
 */
export const US_DATE_YEARS = { from: 2010, to: 2035 } as const

const paths = (rule: FieldRule) => FIELD_SPECS.filter((f) => f.rule === rule).map(legacyPath)
const ALL_PATHS = FIELD_SPECS.map(legacyPath)

/**
 * Rules of GET /v1/campaigns/mine.
 * - null against an unset key: the answer leaves unset columns out, legacy may hold `null`;
 * - numbers written as strings: ids come back as numbers, other text columns as text;
 * - blank strings, and values of a type the rule never accepts, stored as null: expected `missing`;
 * - casings of a state, a ballot level and "Other": expected `changed`, pairing each legacy spelling with
 *   the one value it becomes (a different value is still a mismatch);
 * - dates: equal instants match; an M/D/YYYY spelling is expected to come back as YYYY-MM-DD;
 * - `"true"` / `"false"` strings of districtManuallySet come back as booleans;
 * - a stale `otherOffice` (office is not "Other") is dropped by the mapping: expected `missing`. The rule
 *   sees one value at a time, so an `otherOffice` lost while the office is "Other" is hidden here too;
 *   phase 1's verify (`npm run backfill -- organizations --verify`) reports that case.
 * Not covered (left as mismatches, and reported by the backfill): text the mapping trimmed, a date
 * with a time part other than midnight UTC, and values of an accepted type that a rule rejects
 * ("California" as a state, 4.5 as an id).
 */
export function campaignMineRules(): CompareRulesInput {
  // Pure, and large (tens of thousands of date spellings): built once per process.
  return (built ??= buildCampaignMineRules())
}

let built: CompareRulesInput | undefined

function buildCampaignMineRules(): CompareRulesInput {
  const expected: Expected[] = [...PROBLEM_MEMBERS_EXPECTED]
  const blanks = blankSpellings()
  for (const spec of FIELD_SPECS) {
    const path = legacyPath(spec)
    expected.push({ path, kind: 'missing', when: { legacy: { oneOf: blanks } }, reason: `a blank ${spec.key} is stored as null on the organization, and unset keys are left out` })
    for (const type of NEVER_VALID[spec.rule]) {
      expected.push({ path, kind: 'missing', when: { legacy: { type } }, reason: `a ${type} is not a valid ${spec.key}: the mapping stores null (the backfill reports it as invalid)` })
    }
  }
  for (const code of US_STATE_CODES) {
    const legacy = padded(casings(code)).filter((s) => s !== code)
    for (const path of paths('state')) expected.push({ path, kind: 'changed', when: { legacy: { oneOf: legacy }, candidate: { equals: code } }, reason: 'states are stored as two upper-case letters' })
  }
  for (const level of BALLOT_LEVELS) {
    const legacy = padded(commonCasings(level)).filter((s) => s !== level)
    for (const path of paths('ballotLevel')) expected.push({ path, kind: 'changed', when: { legacy: { oneOf: legacy }, candidate: { equals: level } }, reason: 'ballot levels are stored upper-case' })
  }
  const others = padded(casings('Other')).filter((s) => s !== 'Other')
  for (const path of paths('office')) expected.push({ path, kind: 'changed', when: { legacy: { oneOf: others }, candidate: { equals: 'Other' } }, reason: 'any casing of "other" is stored as "Other"' })
  for (const path of paths('otherOffice')) expected.push({ path, kind: 'missing', when: { legacy: { type: 'string' } }, reason: 'otherOffice is kept only with office "Other" (a stale one from an earlier pick is dropped)' })
  const usDates = usDateSpellings(US_DATE_YEARS.from, US_DATE_YEARS.to)
  for (const path of paths('date')) expected.push({ path, kind: 'changed', when: { legacy: { oneOf: usDates }, candidate: { type: 'string' } }, reason: 'dates written M/D/YYYY are stored as calendar days (YYYY-MM-DD)' })
  for (const [text, value] of [['true', true], ['false', false]] as const) {
    for (const path of paths('boolean')) expected.push({ path, kind: 'type', when: { legacy: { oneOf: padded([text]) }, candidate: { equals: value } }, reason: `the string "${text}" is stored as the boolean ${text}` })
  }
  return {
    nullEqualsMissing: ALL_PATHS,
    numericStrings: paths('text'),
    dates: paths('date'),
    expected,
    // gp-api makes the slug from the user's name; the built-in names cover zip, e-mail, phone and the like.
    sensitive: ['slug', 'details.city', 'details.occupation'],
  }
}

/** Why the office's campaignId goes null (seed plan, phase 3 cleanup). */
export const OFFICE_CAMPAIGN_ID_DROPPED = 'phase 3 drops elected_office.campaign_id (contract step elected-office-campaign-id): an office no longer names a campaign'

/**
 * Rules of GET /v1/elected-office/current: the row is read as legacy reads it; errors differ in shape, and
 * once phase 3 dropped elected_office.campaign_id the office's `campaignId` is null where legacy (still
 * holding the column, or its last answer) had a number.
 */
export function currentOfficeRules(): CompareRulesInput {
  return {
    expected: [
      ...PROBLEM_MEMBERS_EXPECTED,
      // A number becoming null is a difference of type for the comparison.
      { path: 'campaignId', kind: 'type', when: { legacy: { type: 'number' }, candidate: { type: 'null' } }, reason: OFFICE_CAMPAIGN_ID_DROPPED },
    ],
  }
}
