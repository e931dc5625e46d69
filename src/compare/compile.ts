// Turns validated rules into one matcher and a root context, once per route at startup, so a
// comparison only steps small state sets and never parses a pattern on the request's background side.
import { applyActions, Ctx, type Action, type CompiledExpected, type Descender } from './ctx.js'
import { Matcher } from './matcher.js'
import { canonicalJson, typeOf } from './normalize.js'
import { parsePattern, type PatSeg } from './pattern.js'
import { parseRules, type CompareRules, type CompareRulesInput, type ValueCondition } from './rules.js'
import type { DiffKind } from './types.js'

export { descend, type Ctx, type CompiledExpected, type SetRule } from './ctx.js'

export type CompiledRules = Descender & {
  readonly rules: CompareRules
  readonly root: Ctx
  readonly status: { readonly compare: boolean; readonly expected: readonly CompiledExpected[] }
}

/**
 * Compiles rules once per route; accepts raw input too (validated first, RulesError when bad).
 * @example const rules = compileRules({ ignore: ['**.updatedAt'] }); compare(legacy, candidate, rules)
 */
export function compileRules(input: CompareRules | CompareRulesInput): CompiledRules {
  const rules = parseRules(input)
  const pats: PatSeg[][] = []
  const actions: Action[] = []
  const add = (source: string, action: Action) => {
    pats.push(parsePattern(source).segs)
    actions.push(action)
  }
  const status = { compare: rules.compareStatus, expected: [] as CompiledExpected[] }
  for (const p of rules.ignore) {
    if (p === '$status') status.compare = false
    else add(p, { tag: 'ignore' })
  }
  for (const p of rules.sensitive) add(p, { tag: 'sensitive' })
  for (const p of rules.dates) add(p, { tag: 'date' })
  for (const p of rules.numericStrings) add(p, { tag: 'numStr' })
  if (Array.isArray(rules.nullEqualsMissing)) for (const p of rules.nullEqualsMissing) add(p, { tag: 'nullMissing' })
  for (const t of rules.numberTolerance) add(t.path, { tag: 'tol', tol: t })
  for (const s of rules.arraysAsSets) add(s.path, { tag: 'set', set: { path: s.path, key: s.key } })
  for (const e of rules.expected) {
    const expected = compileExpected(e.path, e.kind, e.reason, e.when)
    if (e.path === '$status') status.expected.push(expected)
    else add(e.path, { tag: 'expected', expected })
  }
  for (const s of rules.statusEquivalents) {
    const when = { legacy: { equals: s.legacy }, candidate: { equals: s.candidate } }
    status.expected.push(compileExpected('$status', 'changed', s.reason, when))
  }
  const matcher = new Matcher(pats)
  const root = new Ctx(matcher.start, false, false, rules.nullEqualsMissing === true, false, false, undefined, undefined, [])
  const atRoot = matcher.completed(root.states)
  if (atRoot) applyActions(actions, root, atRoot)
  return { rules, matcher, actions, namesElements: matcher.namesElements, cached: 0, root, status }
}

type When = { legacy?: ValueCondition | undefined; candidate?: ValueCondition | undefined } | undefined

function compileExpected(path: string, kind: DiffKind | undefined, reason: string, when: When): CompiledExpected {
  const l = compileCondition(when?.legacy)
  const c = compileCondition(when?.candidate)
  return { path, kind, reason, holds: (a, b) => l(a) && c(b) }
}

function compileCondition(cond: ValueCondition | undefined): (v: unknown) => boolean {
  if (!cond) return () => true
  const equals = cond.equals === undefined ? undefined : canonicalJson(cond.equals)
  const oneOf = cond.oneOf && new Set(cond.oneOf.map(canonicalJson))
  return (v) => {
    if (cond.type && (v === undefined ? 'missing' : typeOf(v)) !== cond.type) return false
    if (equals === undefined && !oneOf) return true
    if (v === undefined) return false
    const canon = canonicalJson(v)
    return (equals === undefined || canon === equals) && (!oneOf || oneOf.has(canon))
  }
}
