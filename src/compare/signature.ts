// A short id for the shape of a diff, so the diff review groups thousands of mismatches on different
// rows into a handful of causes, and a triage mark on a group keeps applying to later comparisons.
import { createHash } from 'node:crypto'
import type { Difference } from './difference.js'
import type { ExpectedRule } from './rules.js'

/**
 * Keys are `pattern:kind` (indices and set keys already `[*]`), sorted and unique; `$status` keys
 * also carry the two codes (`$status:changed:200>404`) because a 404 and a 500 are different causes.
 * The unexpected differences define the signature; when all are expected, the expected ones do,
 * so a group keeps its id after a triage mark turns it into expected differences.
 */
export function signatureKeys(differences: readonly Difference[]): string[] {
  const anyUnexpected = differences.some((d) => !d.expected)
  const keys = new Set<string>()
  for (const d of differences) if (!anyUnexpected || !d.expected) keys.add(signatureKey(d))
  return [...keys].sort()
}

export function signatureKey(d: Difference): string {
  const base = `${d.pattern}:${d.kind}`
  return d.pattern === '$status' ? `${base}:${String(d.legacy)}>${String(d.candidate)}` : base
}

// Shapes repeat (that is why they are grouped), so the few hundred live ones are hashed once.
const cache = new Map<string, string>()
const CACHE_MAX = 2_000

/** 12 hex digits of SHA-256 over the keys: short enough for a URL, long enough not to collide. */
export function signatureOf(keys: readonly string[]): string | null {
  if (keys.length === 0) return null
  const text = keys.join('\n')
  let sig = cache.get(text)
  if (sig === undefined) {
    sig = createHash('sha256').update(text).digest('hex').slice(0, 12)
    if (cache.size >= CACHE_MAX) cache.clear()
    cache.set(text, sig)
  }
  return sig
}

/**
 * Expected-difference rules that cover a triaged group: what a mark of "expected" becomes.
 * @example rules.expected.push(...expectedRulesFor(group.signatureKeys, 'new API answers 403 for other orgs'))
 */
export function expectedRulesFor(keys: readonly string[], reason: string): ExpectedRule[] {
  return keys.map((key) => {
    const [path, kind, codes] = splitKey(key)
    const [legacy, candidate] = codes ? codes.split('>').map(Number) : []
    const when = codes ? { legacy: { equals: legacy! }, candidate: { equals: candidate! } } : undefined
    const rule: ExpectedRule = { path, kind, reason }
    if (when) rule.when = when
    return rule
  })
}

/** Splits `pattern:kind[:codes]` from the right: a quoted key in the pattern may hold a colon. */
function splitKey(key: string): [string, 'changed' | 'missing' | 'extra' | 'type', string | undefined] {
  const m = /^(.*):(changed|missing|extra|type)(?::(\d{3}>\d{3}))?$/.exec(key)
  if (!m) throw new Error(`not a signature key: ${key}`)
  return [m[1]!, m[2] as 'changed', m[3]]
}
