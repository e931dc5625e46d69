// The one formatter of concrete paths (`details.positionId`, `items[3]`, `filters[id=12].name`) and
// of their pattern form (`items[*]`), so a path printed in a diff can be pasted back into a rule.
import { SEG_INDEX, SEG_KEY, type SegKind, type Segments } from './types.js'

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/
const BARE_VALUE = /^[A-Za-z0-9_.@:+-]*$/

const plainKeys = new Map<string, boolean>()

/** Formats one object key: `.name`, or `["odd key"]` when it is not a plain name. */
export function formatKey(key: string, first: boolean): string {
  let plain = plainKeys.get(key)
  if (plain === undefined) {
    plain = PLAIN_KEY.test(key)
    if (plainKeys.size < 10_000) plainKeys.set(key, plain)
  }
  if (plain) return first ? key : `.${key}`
  return `[${JSON.stringify(key)}]`
}

/**
 * The bracket content of a set element: `id=12`, `id="a b"`, `=en` for a set of plain values, and
 * `#2` for the second element with the same key.
 */
export function setKeySegment(field: string, keyValue: string, occurrence: number): string {
  const value = BARE_VALUE.test(keyValue) ? keyValue : JSON.stringify(keyValue)
  return occurrence > 1 ? `${field}=${value}#${occurrence}` : `${field}=${value}`
}

/** Formats concrete segments; `generic` writes indices and set keys as `[*]` (the pattern form). */
export function formatPath(segs: Segments, generic: boolean, setKey?: (i: number) => string): string {
  let out = ''
  for (let i = 0; i < segs.kinds.length; i++) out += formatSeg(segs.kinds[i]!, segs.vals[i]!, i === 0, generic, setKey?.(i))
  return out === '' ? '$' : out
}

function formatSeg(kind: SegKind, val: string | number, first: boolean, generic: boolean, setKey?: string): string {
  if (kind === SEG_KEY) return formatKey(val as string, first)
  if (generic) return '[*]'
  return kind === SEG_INDEX ? `[${val}]` : `[${setKey ?? val}]`
}

