// Turns a disagreement found by the walk into a Difference: formats its paths, checks the values it
// keeps are JSON, says whether they are personal, and marks it expected when a rule covers it.
import type { Ctx } from './ctx.js'
import { Difference } from './difference.js'
import { formatPath } from './path.js'
import type { DiffKind, Segments } from './types.js'
import { assertJson } from './validate.js'
import type { Walk } from './walk.js'

/** Records a difference at the current path, marked expected when a rule covers it. */
export function emit(w: Walk, ctx: Ctx, kind: DiffKind, a: unknown, b: unknown): void {
  const segs: Segments = { kinds: w.segs.kinds.slice(), vals: w.segs.vals.slice(), redactKey: w.segs.redactKey.slice() }
  const path = formatPath(segs, false)
  // Whole values are kept for storage, so the parts the walk did not read are checked here.
  if (kind !== 'changed') {
    assertJson(a, 'legacy', path)
    assertJson(b, 'candidate', path)
  }
  const sensitive = ctx.sensitive ? 'rule' : w.defaultSensitive > 0 ? 'default' : false
  const d = new Difference(path, formatPath(segs, true), kind, a, b, sensitive, segs)
  for (const rule of ctx.expected) {
    if ((rule.kind === undefined || rule.kind === kind) && rule.holds(a, b)) {
      d.expected = true
      d.reason = rule.reason
      break
    }
  }
  w.diffs.push(d)
}
