// What applies at one node of a walk, and how it is derived from the parent's: the hot path of every
// comparison. Contexts are cached on their parent by key, so once a route's rules have seen a body's
// shape, descending into a node is a map lookup; nodes no pattern can reach share one context.
import type { Matcher } from './matcher.js'
import { NO_STATES } from './matcher.js'
import type { Tolerance } from './normalize.js'
import { SEG_KEY, type DiffKind, type SegKind } from './types.js'

export type CompiledExpected = {
  path: string
  kind: DiffKind | undefined
  reason: string
  /** Whether the two values at a difference satisfy the rule's `when`. */
  holds: (legacy: unknown, candidate: unknown) => boolean
}
export type SetRule = { path: string; key: string | undefined }

/** What a rule does to the node its pattern ends at (and, except `set`, to everything below). */
export type Action =
  | { tag: 'ignore' | 'sensitive' | 'date' | 'numStr' | 'nullMissing' }
  | { tag: 'tol'; tol: Tolerance }
  | { tag: 'set'; set: SetRule }
  | { tag: 'expected'; expected: CompiledExpected }

export class Ctx {
  /** This context without states and set rule: what every descendant gets once nothing can match. */
  inert: Ctx | undefined = undefined
  /** The child for any array element, when no pattern names a particular element. */
  elementChild: Ctx | undefined = undefined
  keyChildren: Map<string, Ctx> | undefined = undefined

  constructor(
    readonly states: readonly number[],
    public ignore: boolean,
    public sensitive: boolean,
    public nullMissing: boolean,
    public date: boolean,
    public numStr: boolean,
    public tol: Tolerance | undefined,
    /** Applies to this node only, never inherited. */
    public set: SetRule | undefined,
    /** Deepest first. */
    public expected: readonly CompiledExpected[],
  ) {}
}

/** The part of CompiledRules the walk needs; `cached` bounds the contexts kept across comparisons. */
export type Descender = {
  readonly matcher: Matcher
  readonly actions: readonly Action[]
  readonly namesElements: boolean
  cached: number
}

/** Contexts kept per rules (a bound on memory whatever keys the bodies carry). */
const MAX_CACHED = 20_000
/** Keys cached per node: beyond, the object is keyed by data (ids), not by a schema. */
const MAX_KEYS_PER_NODE = 64

/** The context of a child node: the parent's, plus the rules whose patterns end at the child. */
export function descend(d: Descender, ctx: Ctx, kind: SegKind, val: string | number): Ctx {
  if (ctx.states.length === 0) return inert(ctx)
  if (kind !== SEG_KEY) return d.namesElements ? build(d, ctx, kind, val) : (ctx.elementChild ??= build(d, ctx, kind, val))
  const hit = ctx.keyChildren?.get(val as string)
  if (hit) return hit
  const child = build(d, ctx, kind, val)
  const map = (ctx.keyChildren ??= new Map())
  if (d.cached < MAX_CACHED && map.size < MAX_KEYS_PER_NODE) {
    map.set(val as string, child)
    d.cached++
  }
  return child
}

function build(d: Descender, ctx: Ctx, kind: SegKind, val: string | number): Ctx {
  const states = d.matcher.step(ctx.states, kind, val)
  if (states.length === 0) return inert(ctx)
  const child = inherit(ctx, states)
  const hits = d.matcher.completed(states)
  if (hits) applyActions(d.actions, child, hits)
  return child
}

/** Applies, in declaration order, the rules whose patterns end at this node. */
export function applyActions(actions: readonly Action[], ctx: Ctx, hits: readonly number[]): void {
  const own: CompiledExpected[] = []
  for (const p of hits) {
    const a = actions[p]!
    if (a.tag === 'tol') ctx.tol = a.tol
    else if (a.tag === 'set') ctx.set = a.set
    else if (a.tag === 'expected') own.push(a.expected)
    else ctx[a.tag] = true
  }
  // A node's own expected rules are more specific than the ones inherited from above.
  if (own.length > 0) ctx.expected = [...own, ...ctx.expected]
}

function inert(ctx: Ctx): Ctx {
  if (ctx.states.length === 0 && ctx.set === undefined) return ctx
  return (ctx.inert ??= inherit(ctx, NO_STATES))
}

/** A child context: everything inherited but the node-only set rule. */
function inherit(ctx: Ctx, states: readonly number[]): Ctx {
  const { ignore, sensitive, nullMissing, date, numStr, tol, expected } = ctx
  return new Ctx(states, ignore, sensitive, nullMissing, date, numStr, tol, undefined, expected)
}
