// The comparison rules of the segment reads: the intended changes of behaviour (the plan's access rules,
// the new organizationId member, errors as problem+json) written as expected differences with their
// reasons, so that what is left is drift (a segment missing or changed) or a bug.
import type { CompareRulesInput } from '../compare/index.js'
import { FILTER_ARRAY_FIELDS, FILTER_BOOLEAN_FIELDS, PARTY_FIELDS } from '../domain/index.js'
import { PROBLEM_MEMBERS_EXPECTED } from '../org-context/index.js'

type Expected = NonNullable<CompareRulesInput['expected']>[number]

const SERVE_NO_PARTY = 'a serve organization sees every segment without the Political Party fields (seed plan, phase 2)'
const GO_PRO = 'a win organization must be pro to use segments: 403 (go pro) where gp-api answered'
const ORGANIZATION_ID = 'segments now say which organization they belong to'

/** Every member of a segment as gp-api answers it. */
const FILTER_KEYS = ['id', 'name', ...FILTER_BOOLEAN_FIELDS, ...FILTER_ARRAY_FIELDS, 'voterCount', 'campaignId', 'createdAt', 'updatedAt']

/** gp-api's error members of the 403, where legacy answered a segment (200) or "not found" (404). */
function goProMembers(): Expected[] {
  return [
    { path: 'statusCode', kind: 'extra', when: { candidate: { equals: 403 } }, reason: GO_PRO },
    { path: 'message', kind: 'extra', when: { candidate: { equals: 'Campaign is not pro' } }, reason: GO_PRO },
    { path: 'error', kind: 'extra', when: { candidate: { equals: 'Forbidden' } }, reason: GO_PRO },
    { path: 'statusCode', kind: 'changed', when: { legacy: { equals: 404 }, candidate: { equals: 403 } }, reason: GO_PRO },
    { path: 'message', kind: 'changed', when: { legacy: { type: 'string' }, candidate: { equals: 'Campaign is not pro' } }, reason: GO_PRO },
    { path: 'error', kind: 'changed', when: { legacy: { equals: 'Not Found' }, candidate: { equals: 'Forbidden' } }, reason: GO_PRO },
  ]
}

/** GET /v1/voters/voter-file/filters: compared as a set keyed by segment id (gp-api and the new side both order by name, then id). */
export function filterListRules(): CompareRulesInput {
  return {
    arraysAsSets: [{ path: '$', key: 'id' }],
    expected: [
      ...PROBLEM_MEMBERS_EXPECTED,
      ...PARTY_FIELDS.map((f): Expected => ({ path: `[*].${f}`, kind: 'missing', reason: SERVE_NO_PARTY })),
      { path: '[*].organizationId', kind: 'extra', when: { candidate: { type: 'string' } }, reason: ORGANIZATION_ID },
      // The list becomes the 403 problem object: one difference of type at the root.
      { path: '$', kind: 'type', when: { legacy: { type: 'array' }, candidate: { type: 'object' } }, reason: GO_PRO },
    ],
    statusEquivalents: [{ legacy: 200, candidate: 403, reason: GO_PRO }],
  }
}

/**
 * GET /v1/voters/voter-file/filter/:id. Where the 403 replaces a segment, every member of the segment is
 * missing: those `missing` differences are expected on this route. A segment member that went missing
 * in a 200 could only come from the handler's code (the columns are fixed), which its tests cover;
 * data drift shows as `changed` values and as 404/200 status differences, which stay mismatches.
 */
export function filterRules(): CompareRulesInput {
  return {
    expected: [
      ...PROBLEM_MEMBERS_EXPECTED,
      ...PARTY_FIELDS.map((f): Expected => ({ path: f, kind: 'missing', reason: SERVE_NO_PARTY })),
      { path: 'organizationId', kind: 'extra', when: { candidate: { type: 'string' } }, reason: ORGANIZATION_ID },
      ...FILTER_KEYS.filter((k) => !(PARTY_FIELDS as readonly string[]).includes(k)).map((k): Expected => ({ path: k, kind: 'missing', reason: GO_PRO })),
      ...goProMembers(),
    ],
    statusEquivalents: [
      { legacy: 200, candidate: 403, reason: GO_PRO },
      { legacy: 404, candidate: 403, reason: GO_PRO },
    ],
  }
}
