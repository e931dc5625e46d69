// compare(): the one entry point the shadow and live paths call with the two sides of a request.
// Pure and synchronous: no I/O, no clock, so it can run on the background side of any request.
import type { CompiledExpected, CompiledRules } from './compile.js'
import { classifySides, outcomeOf } from './outcome.js'
import { signatureKeys, signatureOf } from './signature.js'
import { Difference } from './difference.js'
import { isSideError, type Comparison, type Side } from './types.js'
import { absent, compareValues, newWalk, type Walk } from './walk.js'

/**
 * Compares the legacy answer with the new handler's under a route's compiled rules.
 * Throws CompareInputError when a body is not JSON (a Date, a cycle, NaN, ...).
 * @example
 *   const rules = compileRules({ ignore: ['**.updatedAt'], arraysAsSets: [{ path: 'filters', key: 'id' }] })
 *   compare({ status: 200, body: legacyJson }, { status: 200, body: newJson }, rules).outcome // 'match'
 */
export function compare(legacy: Side, candidate: Side, rules: CompiledRules): Comparison {
  const statuses = {
    ...(!isSideError(legacy) && { legacyStatus: legacy.status }),
    ...(!isSideError(candidate) && { candidateStatus: candidate.status }),
  }
  const verdict = classifySides(legacy, candidate)
  if (verdict) return { ...NOTHING_TO_GROUP, outcome: verdict.outcome, ...statuses, error: verdict.error }
  if (isSideError(legacy) || isSideError(candidate)) throw new Error('unreachable: classifySides decides failed sides')
  const w = newWalk(rules, legacy.body, candidate.body)
  if (rules.status.compare && legacy.status !== candidate.status) statusDifference(legacy.status, candidate.status, w)
  compareBodies(legacy.body, candidate.body, w)
  const keys = signatureKeys(w.diffs)
  const outcome = outcomeOf(w.diffs)
  return { outcome, differences: w.diffs, signature: signatureOf(keys), signatureKeys: keys, ...statuses }
}

const NOTHING_TO_GROUP = { differences: [], signature: null, signatureKeys: [] }

function statusDifference(legacy: number, candidate: number, w: Walk): void {
  const d = new Difference('$status', '$status', 'changed', legacy, candidate, false, undefined)
  const covers = (r: CompiledExpected) => (r.kind === undefined || r.kind === 'changed') && r.holds(legacy, candidate)
  const rule = w.compiled.status.expected.find(covers)
  if (rule) {
    d.expected = true
    d.reason = rule.reason
  }
  w.diffs.push(d)
}

/** An absent body (HEAD, 204) is compared as absent: present on one side only is missing/extra at `$`. */
function compareBodies(a: unknown, b: unknown, w: Walk): void {
  const root = w.compiled.root
  if (root.ignore || (a === undefined && b === undefined)) return
  if (a === undefined) absent('extra', a, b, root, w)
  else if (b === undefined) absent('missing', a, b, root, w)
  else compareValues(a, b, root, w)
}
