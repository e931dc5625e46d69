// The comparison rules of the phase 3 writes, over the compared document `{ answer, wrote }` (the answer
// and what the write left in the database). The differences the plan makes on purpose are expected, each
// with its reason; anything else (a value written differently, a status that changed otherwise) stays a
// mismatch.
import type { CompareRulesInput } from '../compare/index.js'
import { FILTER_ARRAY_FIELDS, FILTER_BOOLEAN_FIELDS, PARTY_FIELDS } from '../domain/index.js'
import { PROBLEM_MEMBERS_EXPECTED } from '../org-context/index.js'

type Expected = NonNullable<CompareRulesInput['expected']>[number]

const NEW_OFFICE_ID = 'each side creates its own office: a new uuid v7 id'
const OWN_SERVE_ORG = 'each side creates the office with its own serve organization (a new id)'
const NO_CAMPAIGN_ID = 'phase 3 stops writing campaign_id: offices and segments belong to their organization'
const NEW_SEGMENT_ID = 'each side inserts its own segment: a new serial id'
const WRITE_TIME = 'each side stamps the row with the time of its own write'
const ORGANIZATION_ID = 'segments now say which organization they belong to'
const LEGACY_NOT_LINKED = 'legacy’s segment is linked to its organization by phase 2’s dual write, which may not have run yet (outbox)'
const SERVE_NO_PARTY = 'a serve organization never sees nor sets the Political Party fields (seed plan)'
const GO_PRO = 'a win organization must be pro to use segments (the plan’s rule replaces isPro || hasElectedOffice): 403, go pro'

/** Error members of the new side's problem+json, under `answer`. */
const problemMembers = (): Expected[] => PROBLEM_MEMBERS_EXPECTED.map((r) => ({ ...r, path: `answer.${r.path}` }))

/** Both sides hold a value of this type and the values differ. */
const changedBoth = (path: string, type: 'string' | 'number', reason: string): Expected =>
  ({ path, kind: 'changed', when: { legacy: { type }, candidate: { type } }, reason })

/** POST /v1/elected-office. */
export function officeCreateRules(): CompareRulesInput {
  return {
    expected: [
      ...problemMembers(),
      changedBoth('answer.id', 'string', NEW_OFFICE_ID),
      changedBoth('wrote.id', 'string', NEW_OFFICE_ID),
      changedBoth('wrote.organizationId', 'string', OWN_SERVE_ORG),
      { path: 'wrote.hasCampaignId', kind: 'changed', when: { legacy: { equals: true }, candidate: { equals: false } }, reason: NO_CAMPAIGN_ID },
    ],
  }
}

/** Every member of a segment as gp-api answers it, except the party fields (their own rule). */
const SEGMENT_KEYS = ['id', 'name', ...FILTER_BOOLEAN_FIELDS, ...FILTER_ARRAY_FIELDS, 'voterCount', 'campaignId', 'createdAt', 'updatedAt']
  .filter((k) => !(PARTY_FIELDS as readonly string[]).includes(k))

/**
 * Where legacy wrote and answered (2xx, or 400 "not pro" on create) a win organization that is not pro is
 * refused: the segment members are missing from the answer, gp-api's error members appear or change, the
 * write left nothing (`wrote` null), and a 204's empty answer becomes the problem object.
 */
function goPro(legacyStatuses: number[]): Pick<CompareRulesInput, 'expected' | 'statusEquivalents'> {
  return {
    expected: [
      ...SEGMENT_KEYS.map((k): Expected => ({ path: `answer.${k}`, kind: 'missing', reason: GO_PRO })),
      { path: 'answer.statusCode', kind: 'extra', when: { candidate: { equals: 403 } }, reason: GO_PRO },
      { path: 'answer.message', kind: 'extra', when: { candidate: { equals: 'Campaign is not pro' } }, reason: GO_PRO },
      { path: 'answer.error', kind: 'extra', when: { candidate: { equals: 'Forbidden' } }, reason: GO_PRO },
      { path: 'answer.statusCode', kind: 'changed', when: { legacy: { equals: 400 }, candidate: { equals: 403 } }, reason: GO_PRO },
      { path: 'answer', kind: 'type', when: { legacy: { type: 'null' }, candidate: { type: 'object' } }, reason: GO_PRO },
      { path: 'wrote', kind: 'type', when: { legacy: { type: 'object' }, candidate: { type: 'null' } }, reason: GO_PRO },
    ],
    statusEquivalents: legacyStatuses.map((legacy) => ({ legacy, candidate: 403, reason: GO_PRO })),
  }
}

function segmentRules(op: 'create' | 'update' | 'delete'): CompareRulesInput {
  const pro = goPro(op === 'create' ? [201, 400] : op === 'update' ? [200] : [204])
  const created = op === 'create'
    ? [
        changedBoth('answer.id', 'number', NEW_SEGMENT_ID),
        changedBoth('wrote.id', 'number', NEW_SEGMENT_ID),
        changedBoth('answer.createdAt', 'string', WRITE_TIME),
        changedBoth('wrote.createdAt', 'string', WRITE_TIME),
      ]
    : []
  return {
    expected: [
      ...problemMembers(),
      ...created,
      changedBoth('answer.updatedAt', 'string', WRITE_TIME),
      changedBoth('wrote.updatedAt', 'string', WRITE_TIME),
      { path: 'answer.organizationId', kind: 'extra', when: { candidate: { type: 'string' } }, reason: ORGANIZATION_ID },
      { path: 'wrote.organizationId', kind: 'type', when: { legacy: { type: 'null' }, candidate: { type: 'string' } }, reason: LEGACY_NOT_LINKED },
      ...['answer', 'wrote'].map((side): Expected => ({ path: `${side}.campaignId`, kind: 'type', when: { legacy: { type: 'number' }, candidate: { type: 'null' } }, reason: NO_CAMPAIGN_ID })),
      ...['answer', 'wrote'].flatMap((side) => PARTY_FIELDS.map((f): Expected => ({ path: `${side}.${f}`, kind: 'missing', reason: SERVE_NO_PARTY }))),
      ...pro.expected!,
    ],
    statusEquivalents: pro.statusEquivalents!,
  }
}

/** POST /v1/voters/voter-file/filter. */
export const segmentCreateRules = () => segmentRules('create')
/** PUT /v1/voters/voter-file/filter/:id. */
export const segmentUpdateRules = () => segmentRules('update')
/** DELETE /v1/voters/voter-file/filter/:id. */
export const segmentDeleteRules = () => segmentRules('delete')
