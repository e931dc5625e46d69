// The only form of a Comparison that may be written anywhere: values redacted (personal ones hashed,
// long ones cut), paths and messages scrubbed, the list capped. The recorder stores this, never the
// Comparison itself (whose Differences hold raw values in memory).
import type { CompiledRules } from './compile.js'
import { typeOf } from './normalize.js'
import { formatPath } from './path.js'
import { createHasher, redactAt, type Hasher } from './redact.js'
import { scrubEmails } from './sensitive.js'
import type { Difference } from './difference.js'
import type { Comparison, DiffKind, JsonType, Outcome } from './types.js'

export type StoreOptions = {
  /** Key of the HMAC that hashes personal values (at least 16 characters). */
  secret: string
  /** Differences kept per comparison, unexpected ones first (default 50). */
  maxDifferences?: number
  /** A redacted value whose JSON is longer is cut (strings) or reduced to its type (default 200). */
  maxValueChars?: number
}

export type StoredValue = unknown
export type StoredDifference = {
  path: string
  pattern: string
  kind: DiffKind
  expected?: true
  reason?: string
  legacyType: JsonType | 'missing'
  newType: JsonType | 'missing'
  legacyValue?: StoredValue
  newValue?: StoredValue
  /** The values are personal data and were hashed. */
  hashed?: true
}

export type StoredComparison = {
  outcome: Outcome
  signature: string | null
  signatureKeys: string[]
  legacyStatus?: number
  candidateStatus?: number
  differences: StoredDifference[]
  differenceCount: number
  omittedDifferences: number
  error?: { side: 'legacy' | 'candidate'; kind: string; message?: string }
}

/**
 * @example await recorder.write(storedComparison(compare(l, c, rules), rules, { secret: config.redactSecret }))
 */
export function storedComparison(c: Comparison, rules: CompiledRules, options: StoreOptions): StoredComparison {
  const hash = createHasher(options.secret)
  const max = options.maxDifferences ?? 50
  const keep = [...c.differences.filter((d) => !d.expected), ...c.differences.filter((d) => d.expected)].slice(0, max)
  const out: StoredComparison = {
    outcome: c.outcome,
    signature: c.signature,
    signatureKeys: c.signatureKeys.map((k) => scrubEmails(k, hash)),
    ...(c.legacyStatus !== undefined && { legacyStatus: c.legacyStatus }),
    ...(c.candidateStatus !== undefined && { candidateStatus: c.candidateStatus }),
    differences: keep.map((d) => storedDifference(d, rules, hash, options.maxValueChars ?? 200)),
    differenceCount: c.differences.length,
    omittedDifferences: c.differences.length - keep.length,
  }
  if (c.error) {
    const { message, ...error } = c.error
    out.error = message === undefined ? error : { ...error, message: cut(scrubEmails(message, hash), 500) }
  }
  return out
}

function storedDifference(d: Difference, rules: CompiledRules, hash: Hasher, maxChars: number): StoredDifference {
  const out: StoredDifference = {
    path: storedPath(d, hash),
    pattern: scrubEmails(d.pattern, hash),
    kind: d.kind,
    ...(d.expected && { expected: true, reason: d.reason! }),
    legacyType: d.legacy === undefined ? 'missing' : typeOf(d.legacy),
    newType: d.candidate === undefined ? 'missing' : typeOf(d.candidate),
  }
  if (d.legacy !== undefined) out.legacyValue = limit(redactAt(d.legacy, d.segments, d.sensitive, rules, hash), maxChars)
  if (d.candidate !== undefined) out.newValue = limit(redactAt(d.candidate, d.segments, d.sensitive, rules, hash), maxChars)
  if (d.sensitive) out.hashed = true
  return out
}

/** The concrete path with personal set keys hashed (`contacts[email=h:…]`) and e-mails scrubbed. */
function storedPath(d: Difference, hash: Hasher): string {
  if (!d.segments) return d.path
  const segs = d.segments
  const setKey = (i: number) => {
    const seg = String(segs.vals[i])
    if (!segs.redactKey[i]) return seg
    const eq = seg.indexOf('=')
    return `${seg.slice(0, eq)}=${hash(seg.slice(eq + 1))}`
  }
  return scrubEmails(formatPath(segs, false, setKey), hash)
}

function limit(v: unknown, maxChars: number): StoredValue {
  if (typeof v === 'string') return cut(v, maxChars)
  if (v === null || typeof v !== 'object') return v
  const json = JSON.stringify(v)
  return json.length <= maxChars ? v : { $omitted: Array.isArray(v) ? 'array' : 'object', chars: json.length }
}

function cut(s: string, maxChars: number): string {
  return s.length <= maxChars ? s : `${s.slice(0, maxChars)}…(+${s.length - maxChars} chars)`
}
