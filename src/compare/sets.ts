// Arrays compared as (multi)sets: elements paired by a key field, or by their own value, so a
// reordered list is not a diff, while a missing or added element is reported under its key.
import { descend, type Ctx, type SetRule } from './compile.js'
import { canonicalJson } from './normalize.js'
import { setKeySegment } from './path.js'
import { isDefaultSensitiveKey } from './sensitive.js'
import { SEG_KEY, SEG_SETKEY } from './types.js'
import { assertJson, type InputSide } from './validate.js'
import { emit } from './emit.js'
import { compareValues, defined, pop, push, type Walk } from './walk.js'

/**
 * Pairs elements by key. Elements sharing a key are paired in order of occurrence, the n-th
 * addressed `[id=12#n]`, so duplicates on one side show as missing or extra ones. Keys compare by
 * their text: `12` and `"12"` pair up, and the type change then shows on the key field itself.
 */
export function compareSets(a: unknown[], b: unknown[], ctx: Ctx, rule: SetRule, w: Walk): void {
  const field = rule.key ?? ''
  const redactKey = field !== '' && keyIsPersonal(field, ctx, w)
  const byKey = new Map<string, unknown>()
  const seen = new Map<string, number>()
  for (const el of b) byKey.set(segmentOf(defined(el, 'candidate', w), field, seen, 'candidate'), el)
  seen.clear()
  for (const el of a) {
    const seg = segmentOf(defined(el, 'legacy', w), field, seen, 'legacy')
    const other = byKey.get(seg)
    if (other !== undefined) byKey.delete(seg)
    element(seg, el, other, ctx, w, redactKey)
  }
  for (const [seg, el] of byKey) element(seg, undefined, el, ctx, w, redactKey)
}

function element(seg: string, av: unknown, bv: unknown, ctx: Ctx, w: Walk, redactKey: boolean): void {
  const child = descend(w.compiled, ctx, SEG_SETKEY, seg)
  if (child.ignore) return
  push(w, SEG_SETKEY, seg, redactKey)
  if (bv === undefined) emit(w, child, 'missing', av, undefined)
  else if (av === undefined) emit(w, child, 'extra', undefined, bv)
  else compareValues(av, bv, child, w)
  pop(w)
}

/** The set segment of an element (`id=12`, `id=12#2`); `seen` counts occurrences per key. */
export function segmentOf(el: unknown, field: string, seen: Map<string, number>, side: InputSide = 'value'): string {
  const v = field === '' ? el : fieldOf(el, field)
  const text = typeof v === 'string' ? v : v == null ? 'null' : typeof v === 'object' ? keyJson(v, side) : String(v)
  const n = (seen.get(text) ?? 0) + 1
  seen.set(text, n)
  return setKeySegment(field, text, n)
}

/** An object used as a key is checked first: a cycle in it would otherwise overflow the stack. */
function keyJson(v: object, side: InputSide): string {
  assertJson(v, side)
  return canonicalJson(v)
}

function fieldOf(el: unknown, field: string): unknown {
  const isRecord = el !== null && typeof el === 'object' && !Array.isArray(el)
  return isRecord && Object.hasOwn(el, field) ? (el as Record<string, unknown>)[field] : undefined
}

/** A key field holding personal data (an e-mail, say) must not surface in a stored path. */
function keyIsPersonal(field: string, ctx: Ctx, w: Walk): boolean {
  if (ctx.sensitive || w.defaultSensitive > 0 || isDefaultSensitiveKey(field)) return true
  const el = descend(w.compiled, ctx, SEG_SETKEY, '\u0000')
  return descend(w.compiled, el, SEG_KEY, field).sensitive
}
