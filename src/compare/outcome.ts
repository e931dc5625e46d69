// Decides the outcomes that need no diff (a side failed, or was skipped) and the one that does
// (match, expected, mismatch), so the shadow runner and the recorder agree on every label.
import type { Difference } from './difference.js'
import { isSideError, type Comparison, type Outcome, type Side } from './types.js'

export type SideVerdict = { outcome: Outcome; error: NonNullable<Comparison['error']> }

/**
 * The outcome decided by the sides alone, or undefined when both answered and the bodies must be
 * compared. Order: a skipped side; legacy failed (transport, timeout or 5xx: there is nothing
 * trustworthy to compare against); the new handler passed its deadline; it threw or answered 5xx.
 */
export function classifySides(legacy: Side, candidate: Side): SideVerdict | undefined {
  const skipped = [legacy, candidate].find((s) => isSideError(s) && s.error.kind === 'skipped')
  if (skipped && isSideError(skipped)) {
    return { outcome: 'skipped', error: { side: skipped === legacy ? 'legacy' : 'candidate', ...skipped.error } }
  }
  if (isSideError(legacy)) return { outcome: 'legacy-error', error: { side: 'legacy', ...legacy.error } }
  if (legacy.status >= 500) return { outcome: 'legacy-error', error: statusError('legacy', legacy.status) }
  if (isSideError(candidate)) {
    const outcome = candidate.error.kind === 'timeout' ? 'timeout' : 'new-error'
    return { outcome, error: { side: 'candidate', ...candidate.error } }
  }
  if (candidate.status >= 500) return { outcome: 'new-error', error: statusError('candidate', candidate.status) }
  return undefined
}

function statusError(side: 'legacy' | 'candidate', status: number): SideVerdict['error'] {
  return { side, kind: 'status', message: `answered ${status}` }
}

/** match: nothing left after ignores; expected: only intended differences; mismatch: anything else. */
export function outcomeOf(differences: readonly Difference[]): 'match' | 'expected' | 'mismatch' {
  if (differences.length === 0) return 'match'
  return differences.every((d) => d.expected) ? 'expected' : 'mismatch'
}
