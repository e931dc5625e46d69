// The comparison rules a migrated route declares as data in the route table, checked with zod at
// startup so a typo in a rule stops the proxy with a clear message instead of silently not matching.
//
// Every path below is a pattern (see path.ts) and covers the node it names and everything below it,
// except `arraysAsSets`, which names one array. Where several rules of one kind apply, the one matched
// deepest wins; at one depth the last declared
// (for expected differences: the first whose kind and `when` hold).
import { z } from 'zod'
import { MAX_SEGMENTS } from './matcher.js'
import { parsePattern } from './pattern.js'
import { DIFF_KINDS, JSON_TYPES } from './types.js'

const pattern = z.string().superRefine((source, ctx) => {
  try {
    if (parsePattern(source).segs.length > MAX_SEGMENTS) ctx.addIssue({ code: 'custom', message: 'pattern too long' })
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message })
  }
})
const bodyPattern = pattern.refine((s) => s !== '$status', 'only `ignore` and `expected` may name $status')
const reason = z.string().trim().min(1, 'an expected difference needs its reason')
const httpStatus = z.number().int().min(100).max(599)
const fieldName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'key must be a field name')
const bound = z.number().nonnegative().optional()

/** A condition on one side's value at the difference: all given parts must hold. */
const valueCondition = z
  .strictObject({
    equals: z.json().optional(),
    oneOf: z.array(z.json()).optional(),
    type: z.enum([...JSON_TYPES, 'missing']).optional(),
  })
  .refine((c) => c.equals !== undefined || c.oneOf !== undefined || c.type !== undefined, 'give equals, oneOf or type')

const expectedRule = z.strictObject({
  path: pattern,
  /** Only differences of this kind are expected (any kind when absent). */
  kind: z.enum(DIFF_KINDS).optional(),
  reason,
  /** Only when the two values at the difference satisfy these (e.g. status 400 → 403). */
  when: z.strictObject({ legacy: valueCondition.optional(), candidate: valueCondition.optional() }).optional(),
})

const rulesSchema = z.strictObject({
  ignore: z.array(pattern).default([]),
  /** Arrays compared as (multi)sets: elements paired by `key` (a field), or by their value when absent. */
  arraysAsSets: z
    .array(z.strictObject({ path: bodyPattern, key: fieldName.optional() }))
    .default([]),
  /** `null` equals an absent key: everywhere (true) or under these paths. */
  nullEqualsMissing: z.union([z.boolean(), z.array(bodyPattern)]).default(false),
  numberTolerance: z
    .array(z.strictObject({ path: bodyPattern, abs: bound, rel: bound }))
    .default([])
    .refine((list) => list.every((t) => t.abs !== undefined || t.rel !== undefined), 'a number tolerance needs abs or rel'),
  /** Where a string that spells a number equals that number ("4" = 4 = "4.0"). */
  numericStrings: z.array(bodyPattern).default([]),
  /** Where values are instants: ISO strings with or without ms/offset, YYYY-MM-DD, epoch ms. */
  dates: z.array(bodyPattern).default([]),
  expected: z.array(expectedRule).default([]),
  /** Personal data: hashed whenever stored. Built-in key names apply anyway (see sensitive.ts). */
  sensitive: z.array(bodyPattern).default([]),
  compareStatus: z.boolean().default(true),
  /** Sugar for an expected difference on `$status` from one code to another. */
  statusEquivalents: z.array(z.strictObject({ legacy: httpStatus, candidate: httpStatus, reason })).default([]),
})

/** Rules as a route declares them: every field optional. */
export type CompareRulesInput = z.input<typeof rulesSchema>
/** Rules after validation, defaults filled in. */
export type CompareRules = z.output<typeof rulesSchema>
export type ExpectedRule = CompareRules['expected'][number]
export type ValueCondition = z.output<typeof valueCondition>

export class RulesError extends Error {
  constructor(label: string, detail: string) {
    super(`comparison rules${label ? ` for ${label}` : ''} are invalid:\n${detail}`)
    this.name = 'RulesError'
  }
}

/**
 * Validates a route's rules; throws RulesError listing every problem with its place.
 * @example parseRules({ ignore: ['**.updatedAt'], arraysAsSets: [{ path: 'filters', key: 'id' }] }, 'GET /v1/x')
 */
export function parseRules(input: unknown, label = ''): CompareRules {
  const result = rulesSchema.safeParse(input ?? {})
  if (!result.success) throw new RulesError(label, z.prettifyError(result.error))
  return result.data
}

/** Types a route table entry's rules without validating them yet (parseRules does, at startup). */
export const defineRules = (rules: CompareRulesInput): CompareRulesInput => rules
