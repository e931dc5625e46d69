// The path-pattern language of the comparison rules, parsed once at startup into segments the
// matcher steps through. Every concrete path the engine prints is also a pattern matching itself.
//
//   details.positionId    keys separated by dots
//   details.*.updatedAt   `*`   exactly one object key (never an array element)
//   items[*].id           `[*]` exactly one array element, by index or by set key
//   items[3]              `[3]` the element at index 3
//   filters[id=12]        one element of an array compared as a set, by its key (`[id="a b"]` quoted)
//   **.createdAt          `**`  any number of segments, zero included, keys and elements alike
//   ["odd.key"]           a key that is not a plain name, JSON-quoted
//   $                     the body itself (a leading `$` or `$.` is optional elsewhere)
//   $status               the HTTP status (only `ignore` and `expected` may name it)
//
// A rule that names a path also covers everything below it (see rules.ts).
import { setKeySegment } from './path.js'

export const P_KEY = 0
export const P_ANY_KEY = 1
export const P_ANY_ELEMENT = 2
export const P_INDEX = 3
export const P_SET_KEY = 4
export const P_GLOB = 5
export type PatSeg =
  | { t: typeof P_KEY | typeof P_SET_KEY; v: string }
  | { t: typeof P_INDEX; v: number }
  | { t: typeof P_ANY_KEY | typeof P_ANY_ELEMENT | typeof P_GLOB }

export type Pattern = { source: string; status: boolean; segs: PatSeg[] }

export class PatternError extends Error {
  constructor(source: string, pos: number, what: string) {
    super(`bad path pattern ${JSON.stringify(source)} at ${pos}: ${what}`)
    this.name = 'PatternError'
  }
}

const NAME = /[A-Za-z0-9_-]+/y
const FIELD = /^[A-Za-z_][A-Za-z0-9_-]*$/

/** Parses a pattern; throws PatternError with the position of the first problem. */
export function parsePattern(source: string): Pattern {
  if (source === '$status') return { source, status: true, segs: [] }
  let pos = source.startsWith('$.') ? 2 : source.startsWith('$') ? 1 : 0
  if (source.trim() === '') throw new PatternError(source, 0, 'empty pattern (use `$` for the whole body)')
  const segs: PatSeg[] = []
  let expectName = pos === 2 || pos === 0
  while (pos < source.length) {
    const ch = source[pos]
    if (ch === '[') {
      pos = parseBracket(source, pos, segs)
      expectName = false
    } else if (ch === '.' && !expectName) {
      pos++
      expectName = true
    } else if (expectName) {
      pos = parseName(source, pos, segs)
      expectName = false
    } else throw new PatternError(source, pos, `expected '.' or '[' before ${JSON.stringify(ch)}`)
  }
  if (expectName) throw new PatternError(source, pos, 'pattern ends with a dot')
  return { source, status: false, segs: collapseGlobs(segs) }
}

function parseName(source: string, pos: number, segs: PatSeg[]): number {
  if (source.startsWith('**', pos)) return push(segs, { t: P_GLOB }, pos + 2)
  if (source[pos] === '*') return push(segs, { t: P_ANY_KEY }, pos + 1)
  NAME.lastIndex = pos
  const m = NAME.exec(source)
  if (!m) throw new PatternError(source, pos, 'expected a key name, `*`, `**` or `[`')
  return push(segs, { t: P_KEY, v: m[0] }, pos + m[0].length)
}

function parseBracket(source: string, start: number, segs: PatSeg[]): number {
  const { text, end } = bracketBody(source, start)
  if (text === '*') return push(segs, { t: P_ANY_ELEMENT }, end)
  if (/^\d+$/.test(text)) return push(segs, { t: P_INDEX, v: Number(text) }, end)
  if (text.startsWith('"')) return push(segs, { t: P_KEY, v: jsonString(source, start + 1, text) }, end)
  const eq = text.indexOf('=')
  const field = text.slice(0, eq)
  if (eq < 0 || (field !== '' && !FIELD.test(field))) {
    throw new PatternError(source, start, 'expected [*], [n], ["key"] or [field=value] in brackets')
  }
  const { value, occurrence } = setValue(source, start + eq + 2, text.slice(eq + 1))
  return push(segs, { t: P_SET_KEY, v: setKeySegment(field, value, occurrence) }, end)
}

/** The value part of `[field=value#n]`: bare up to `#`, or a JSON string, then an optional `#n`. */
function setValue(source: string, pos: number, rest: string): { value: string; occurrence: number } {
  let value = rest
  let tail = ''
  if (rest.startsWith('"')) {
    const close = closingQuote(rest)
    value = jsonString(source, pos, rest.slice(0, close + 1))
    tail = rest.slice(close + 1)
  } else {
    const hash = rest.indexOf('#')
    if (hash >= 0) [value, tail] = [rest.slice(0, hash), rest.slice(hash)]
  }
  if (tail !== '' && !/^#[1-9]\d*$/.test(tail)) throw new PatternError(source, pos, `bad occurrence ${tail}`)
  return { value, occurrence: tail === '' ? 1 : Number(tail.slice(1)) }
}

function closingQuote(text: string): number {
  for (let i = 1; i < text.length; i++) {
    if (text[i] === '\\') i++
    else if (text[i] === '"') return i
  }
  return text.length - 1
}

/** Finds the closing bracket, skipping over a JSON string inside. */
function bracketBody(source: string, start: number): { text: string; end: number } {
  let i = start + 1
  let inString = false
  for (; i < source.length; i++) {
    const c = source[i]
    if (inString && c === '\\') i++
    else if (c === '"') inString = !inString
    else if (c === ']' && !inString) return { text: source.slice(start + 1, i), end: i + 1 }
  }
  throw new PatternError(source, start, 'unclosed [')
}

function jsonString(source: string, pos: number, text: string): string {
  try {
    const v: unknown = JSON.parse(text)
    if (typeof v === 'string') return v
  } catch {
    // reported below with the position
  }
  throw new PatternError(source, pos, `bad quoted key ${text}`)
}

function push(segs: PatSeg[], seg: PatSeg, next: number): number {
  segs.push(seg)
  return next
}

/** `**.**` means the same as `**`, and collapsing keeps the matcher's state sets small. */
function collapseGlobs(segs: PatSeg[]): PatSeg[] {
  return segs.filter((s, i) => !(s.t === P_GLOB && segs[i - 1]?.t === P_GLOB))
}
