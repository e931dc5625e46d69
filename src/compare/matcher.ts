// Matches many path patterns against the walker's path one segment at a time, so a comparison pays
// a few integer operations per node instead of re-matching every pattern against every full path.
// It is a small NFA: a state is (pattern, position), `**` keeps its state alive while it consumes.
import { P_ANY_ELEMENT, P_ANY_KEY, P_GLOB, P_INDEX, P_KEY, P_SET_KEY, type PatSeg } from './pattern.js'
import { SEG_INDEX, SEG_KEY, SEG_SETKEY, type SegKind } from './types.js'

/** A pattern has at most this many segments: the state packs its position into 8 bits. */
export const MAX_SEGMENTS = 255
const SHIFT = 8
const MASK = 0xff
export const NO_STATES: readonly number[] = Object.freeze([])

export class Matcher {
  /** The states before the first segment: where every pattern starts (the root). */
  readonly start: readonly number[]

  constructor(private readonly pats: readonly PatSeg[][]) {
    const start: number[] = []
    for (let p = 0; p < pats.length; p++) this.close(start, p, 0)
    this.start = start
  }

  /** Advances every state over one concrete segment. */
  step(states: readonly number[], kind: SegKind, val: string | number): readonly number[] {
    let out: number[] | undefined
    for (let k = 0; k < states.length; k++) {
      const s = states[k]!
      const p = s >>> SHIFT
      const i = s & MASK
      const seg = this.pats[p]![i]
      if (seg === undefined) continue
      if (seg.t === P_GLOB) this.close((out ??= []), p, i)
      else if (accepts(seg, kind, val)) this.close((out ??= []), p, i + 1)
    }
    return out ?? NO_STATES
  }

  /**
   * The patterns that end exactly at the node these states describe, in declaration order (so "the
   * last declared wins" holds among rules ending at one node); undefined when none does.
   */
  completed(states: readonly number[]): number[] | undefined {
    let found: number[] | undefined
    for (let k = 0; k < states.length; k++) {
      const s = states[k]!
      const p = s >>> SHIFT
      if ((s & MASK) === this.pats[p]!.length) (found ??= []).push(p)
    }
    if (found && found.length > 1) found.sort((x, y) => x - y)
    return found
  }

  /** Whether any pattern names a particular element (`[3]`, `[id=12]`) rather than any (`[*]`). */
  get namesElements(): boolean {
    return this.pats.some((segs) => segs.some((s) => s.t === P_INDEX || s.t === P_SET_KEY))
  }

  /** Adds a state and, while it sits on a `**`, the state past it (which `**` may match empty). */
  private close(out: number[], p: number, i: number): void {
    const segs = this.pats[p]!
    for (;;) {
      const s = (p << SHIFT) | i
      if (!out.includes(s)) out.push(s)
      if (segs[i]?.t !== P_GLOB) return
      i++
    }
  }
}

function accepts(seg: PatSeg, kind: SegKind, val: string | number): boolean {
  switch (seg.t) {
    case P_KEY:
      return kind === SEG_KEY && val === seg.v
    case P_ANY_KEY:
      return kind === SEG_KEY
    case P_ANY_ELEMENT:
      return kind !== SEG_KEY
    case P_INDEX:
      return kind === SEG_INDEX && val === seg.v
    case P_SET_KEY:
      return kind === SEG_SETKEY && val === seg.v
    default:
      return false
  }
}
