// The body of POST /v1/organizations: the BallotReady fields of the race the user now runs for, cleaned
// by phase 1's one mapping (so the organization holds exactly what the backfill would have stored from
// the same values in campaign.details), and the campaign basics gp-api's POST /v1/campaigns takes.
import { z } from 'zod'
import { BR_FIELDS, type BrField } from '../domain/index.js'
import { FIELD_SPECS, legacyPath, mapLegacyRows, type FieldRule, type OrganizationFields } from '../organizations/index.js'

/** A request body's field and what is wrong with it, for the 400 answer. */
export type FieldError = { field: string; message: string }

export type NewCampaignInput = {
  /** The organization's BR columns as the mapping cleans them; the L2 columns are null (no district yet). */
  fields: OrganizationFields
  /** campaign.details without any BR key (phase 3: Organization is their only home). */
  details: Record<string, unknown>
  /** campaign.data, as gp-api stores it. */
  data: Record<string, unknown>
}

export type ParsedBody = { ok: true; input: NewCampaignInput } | { ok: false; errors: FieldError[] }

// Long enough for any office name BallotReady has; short enough that a body cannot stuff the row.
const MAX_TEXT = 500
// Types only: what each value means is the mapping's to decide (see the second pass below).
const text = z.string({ error: 'must be a string' }).max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`).nullish()
const textOrId = z
  .union([z.string().max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`), z.number()], { error: 'must be a string or a whole number' })
  .nullish()
const jsonObject = z.record(z.string(), z.unknown(), { error: 'must be an object' })

/** What each BR key accepts as JSON; ids and the term length also come as numbers from the office picker. */
const brShape = {
  positionId: textOrId,
  electionId: textOrId,
  raceId: textOrId,
  state: text,
  office: text,
  otherOffice: text,
  ballotLevel: text,
  officeTermLength: textOrId,
  electionDate: text,
  primaryElectionDate: text,
  partisanType: text,
  filingPeriodsStart: text,
  filingPeriodsEnd: text,
} satisfies Record<BrField, z.ZodType>

// Strict: an unknown key is refused rather than dropped, so a typo ("positionID") is a 400 instead of a
// campaign created without its race. BR keys inside `details` are refused for the same reason: they
// would be silently lost (or, worse, a stale copy would come back).
const schema = z.strictObject({
  ...brShape,
  details: jsonObject
    .refine((d) => !BR_FIELDS.some((k) => k in d), { error: `must not hold BallotReady fields (${BR_FIELDS.join(', ')}): send them at the top level` })
    .optional(),
  data: jsonObject.optional(),
})

const RULE_MESSAGE: Record<FieldRule, string> = {
  text: 'must be a non-blank string or a whole number',
  state: 'must be a two-letter state code',
  ballotLevel: 'must be one of CITY, COUNTY, FEDERAL, LOCAL, REGIONAL, STATE, TOWNSHIP',
  office: 'must be a non-blank string',
  otherOffice: 'must be a non-blank string',
  date: 'must be a calendar date (YYYY-MM-DD or M/D/YYYY)',
  boolean: 'must be true or false',
}

/**
 * Checks the JSON types, then runs the BR values through the mapping; a value the mapping would have
 * rejected (stored as null and reported by the backfill) is refused here, naming the field.
 * @example const parsed = parseNewCampaign({ positionId: 42, state: 'ca', office: 'Mayor' }) // fields.state === 'CA'
 */
export function parseNewCampaign(raw: unknown): ParsedBody {
  const typed = schema.safeParse(raw)
  if (!typed.success) return { ok: false, errors: typed.error.issues.flatMap(issueToErrors) }
  const { details, data, ...br } = typed.data
  const mapped = mapLegacyRows({ campaign: { id: 0, userId: 0, details: br, updatedAt: new Date(0) }, pathToVictory: null })
  const errors: FieldError[] = []
  for (const spec of FIELD_SPECS) {
    if (spec.source === 'details' && mapped.invalid.includes(legacyPath(spec))) errors.push({ field: spec.key, message: RULE_MESSAGE[spec.rule] })
  }
  // The race is what a campaign is for, and what the switcher names it by: the same "position" the
  // backfill's outcome counts (a BallotReady position, or an office typed in).
  if (!errors.length && mapped.fields.position_id === null && mapped.fields.office === null) {
    errors.push({ field: 'positionId', message: 'a new campaign needs its race: positionId, or office (with otherOffice when it is "Other")' })
  }
  if (errors.length) return { ok: false, errors }
  return { ok: true, input: { fields: mapped.fields, details: details ?? {}, data: data ?? {} } }
}

function issueToErrors(i: z.core.$ZodIssue): FieldError[] {
  const at = i.path.map(String)
  if (i.code === 'unrecognized_keys') return i.keys.map((k) => ({ field: [...at, k].join('.'), message: 'unknown field' }))
  return [{ field: at.length ? at.join('.') : '(body)', message: at.length ? i.message : 'must be a JSON object' }]
}
