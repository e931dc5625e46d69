// The structural diff: walks both bodies together, asking the compiled rules at each node what
// applies, and records a Difference wherever they disagree. Paths live on one mutable stack and are
// only formatted when a difference is found, which keeps equal subtrees nearly free.
import { descend, type CompiledRules, type Ctx } from './compile.js'
import { asNumber, toInstant, withinTolerance } from './normalize.js'
import { formatPath } from './path.js'
import { isDefaultSensitive } from './sensitive.js'
import { compareSets } from './sets.js'
import type { Difference } from './difference.js'
import { emit } from './emit.js'
import { SEG_INDEX, SEG_KEY, type SegKind, type Segments } from './types.js'
import { assertJson, CompareInputError, jsonType, MAX_DEPTH, notJson } from './validate.js'

export type Walk = {
  compiled: CompiledRules
  segs: Segments
  /** How many enclosing keys are personal by the built-in names (see sensitive.ts). */
  defaultSensitive: number
  diffs: Difference[]
  /** The whole bodies, re-checked only when the walk goes too deep (to tell a cycle from depth). */
  bodies: [unknown, unknown]
}

export function newWalk(compiled: CompiledRules, legacy: unknown, candidate: unknown): Walk {
  const segs: Segments = { kinds: [], vals: [], redactKey: [] }
  return { compiled, segs, defaultSensitive: 0, diffs: [], bodies: [legacy, candidate] }
}

export function push(w: Walk, kind: SegKind, val: string | number, redactKey = false): void {
  w.segs.kinds.push(kind)
  w.segs.vals.push(val)
  w.segs.redactKey.push(redactKey)
}

export function pop(w: Walk): void {
  w.segs.kinds.pop()
  w.segs.vals.pop()
  w.segs.redactKey.pop()
}

/**
 * Compares two present values (undefined never reaches here). Each node read is checked to be JSON
 * on the way (subtrees that are ignored or identical by reference are never read).
 */
export function compareValues(a: unknown, b: unknown, ctx: Ctx, w: Walk): void {
  if (a === b) return
  const ta = jsonType(a)
  const tb = jsonType(b)
  if (ta === undefined) throw invalid(w, 'legacy', a)
  if (tb === undefined) throw invalid(w, 'candidate', b)
  if (ctx.date && compareInstants(a, b, ctx, w)) return
  if ((ctx.numStr || ctx.tol) && compareNumbers(a, b, ctx, w)) return
  if (ta !== tb) return emit(w, ctx, 'type', a, b)
  if (ta !== 'array' && ta !== 'object') return emit(w, ctx, 'changed', a, b)
  if (w.segs.kinds.length >= MAX_DEPTH) tooDeep(w)
  if (ta === 'object') return compareObjects(a as Record<string, unknown>, b as Record<string, unknown>, ctx, w)
  if (ctx.set) return compareSets(a as unknown[], b as unknown[], ctx, ctx.set, w)
  compareArrays(a as unknown[], b as unknown[], ctx, w)
}

function invalid(w: Walk, side: 'legacy' | 'candidate', v: unknown): CompareInputError {
  return new CompareInputError(side, notJson(v)).at(formatPath(w.segs, false))
}

/** An array element that is undefined (or a hole) would otherwise pose as a missing one. */
export function defined(el: unknown, side: 'legacy' | 'candidate', w: Walk): unknown {
  if (el === undefined) throw new CompareInputError(side, 'undefined or a hole in an array').at(formatPath(w.segs, false))
  return el
}

/** A cycle or absurd nesting: the full check says which side and where. */
function tooDeep(w: Walk): never {
  assertJson(w.bodies[0], 'legacy')
  assertJson(w.bodies[1], 'candidate')
  throw new CompareInputError('candidate', `nested deeper than ${MAX_DEPTH}`)
}

/** True when both are instants (then they were compared as such). */
function compareInstants(a: unknown, b: unknown, ctx: Ctx, w: Walk): boolean {
  const ia = toInstant(a)
  const ib = toInstant(b)
  if (ia === undefined || ib === undefined) return false
  if (ia !== ib) emit(w, ctx, 'changed', a, b)
  return true
}

/** True when both are numbers under the rules (then they were compared as such). */
function compareNumbers(a: unknown, b: unknown, ctx: Ctx, w: Walk): boolean {
  const na = asNumber(a, ctx.numStr)
  const nb = asNumber(b, ctx.numStr)
  if (na === undefined || nb === undefined) return false
  if (!withinTolerance(na, nb, ctx.tol)) emit(w, ctx, 'changed', a, b)
  return true
}

function compareObjects(a: Record<string, unknown>, b: Record<string, unknown>, ctx: Ctx, w: Walk): void {
  const ka = Object.keys(a)
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!
    const av = a[k]
    if (av !== undefined) member(k, av, Object.hasOwn(b, k) ? b[k] : undefined, a, b, ctx, w)
  }
  const kb = Object.keys(b)
  for (let i = 0; i < kb.length; i++) {
    const k = kb[i]!
    const bv = b[k]
    if (bv !== undefined && (a[k] === undefined || !Object.hasOwn(a, k))) member(k, undefined, bv, a, b, ctx, w)
  }
}

function member(k: string, av: unknown, bv: unknown, pa: object, pb: object, ctx: Ctx, w: Walk): void {
  const child = descend(w.compiled, ctx, SEG_KEY, k)
  if (child.ignore) return
  const personal = isDefaultSensitive(k, pa, pb)
  push(w, SEG_KEY, k)
  if (personal) w.defaultSensitive++
  if (av === undefined) absent('extra', av, bv, child, w)
  else if (bv === undefined) absent('missing', av, bv, child, w)
  else compareValues(av, bv, child, w)
  if (personal) w.defaultSensitive--
  pop(w)
}

/** A key present on one side only; `null` against absent is no difference where the rule says so. */
export function absent(kind: 'missing' | 'extra', a: unknown, b: unknown, ctx: Ctx, w: Walk): void {
  if (ctx.nullMissing && (a === undefined ? b : a) === null) return
  emit(w, ctx, kind, a, b)
}

function compareArrays(a: unknown[], b: unknown[], ctx: Ctx, w: Walk): void {
  const n = Math.max(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const child = descend(w.compiled, ctx, SEG_INDEX, i)
    if (child.ignore) continue
    push(w, SEG_INDEX, i)
    if (i >= b.length) emit(w, child, 'missing', defined(a[i], 'legacy', w), undefined)
    else if (i >= a.length) emit(w, child, 'extra', undefined, defined(b[i], 'candidate', w))
    else compareValues(a[i], b[i], child, w)
    pop(w)
  }
}
