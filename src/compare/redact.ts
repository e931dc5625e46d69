// Makes bodies and diff values storable: personal values become a keyed hash (equal values still
// compare equal in a stored diff, but the raw value cannot be read or guessed without the secret).
import { createHmac } from 'node:crypto'
import { descend, type CompiledRules, type Ctx } from './compile.js'
import { canonicalJson } from './normalize.js'
import { segmentOf } from './sets.js'
import { isDefaultSensitive, scrubEmails } from './sensitive.js'
import { assertJson } from './validate.js'
import { SEG_INDEX, SEG_KEY, SEG_SETKEY, type Segments, type Sensitivity } from './types.js'

const HASH_HEX = 16

/** Hashes raw text; created once per secret. */
export type Hasher = (raw: string) => string

/**
 * `h:` and 16 hex digits (64 bits) of HMAC-SHA256 keyed by the secret: a dictionary of likely
 * e-mails or phone numbers is useless without the key.
 * @example createHasher(process.env.REDACT_SECRET)('jane@example.org') // 'h:3f9c0a…'
 */
export function createHasher(secret: string): Hasher {
  if (typeof secret !== 'string' || secret.length < 16) {
    throw new Error('the redaction secret must be at least 16 characters')
  }
  return (raw) => `h:${createHmac('sha256', secret).update(raw).digest('hex').slice(0, HASH_HEX)}`
}

/**
 * The stored form of a personal value. Null and '' carry nothing and stay readable; booleans under
 * the built-in names stay too (`hasEmail: true`), while a route's own `sensitive` paths hash them.
 * The hash covers the JSON text, so 12 and "12" hash differently, as the type change they are.
 */
export function hashValue(v: unknown, how: Exclude<Sensitivity, false>, hash: Hasher): unknown {
  if (v === null || v === '' || v === undefined) return v
  if (typeof v === 'boolean' && how === 'default') return v
  return hash(canonicalJson(v))
}

/**
 * A storable copy of a body: values at the route's sensitive paths and under the built-in personal
 * key names hashed, e-mail addresses inside other text hashed. Throws CompareInputError when the input is not JSON.
 * @example redact({ user: { email: 'jane@example.org', roles: ['candidate'] } }, rules, secret)
 *   // { user: { email: 'h:…', roles: ['candidate'] } }
 */
export function redact(value: unknown, rules: CompiledRules, secret: string | Hasher): unknown {
  const hash = typeof secret === 'function' ? secret : createHasher(secret)
  assertJson(value, 'value')
  return redactFrom(value, rules.root, false, rules, hash)
}

/** Redacts a value found at `segs` (a difference's path), as if the walk had reached it. */
export function redactAt(
  value: unknown,
  segs: Segments | undefined,
  sensitive: Sensitivity,
  rules: CompiledRules,
  hash: Hasher,
): unknown {
  if (value === undefined) return undefined
  if (sensitive) return hashValue(value, sensitive, hash)
  let ctx = rules.root
  if (segs) for (let i = 0; i < segs.kinds.length; i++) ctx = descend(rules, ctx, segs.kinds[i]!, segs.vals[i]!)
  return redactFrom(value, ctx, false, rules, hash)
}

function redactFrom(v: unknown, ctx: Ctx, personal: boolean, rules: CompiledRules, hash: Hasher): unknown {
  if (ctx.sensitive) return hashValue(v, 'rule', hash)
  if (personal) return hashValue(v, 'default', hash)
  if (typeof v === 'string') return scrubEmails(v, hash)
  if (v === null || typeof v !== 'object') return v
  if (Array.isArray(v)) return redactArray(v, ctx, rules, hash)
  const o = v as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(o)) {
    if (o[k] === undefined) continue
    const child = descend(rules, ctx, SEG_KEY, k)
    out[scrubEmails(k, hash)] = redactFrom(o[k], child, isDefaultSensitive(k, o, undefined), rules, hash)
  }
  return out
}

function redactArray(a: unknown[], ctx: Ctx, rules: CompiledRules, hash: Hasher): unknown[] {
  // Elements of a set array are addressed by key in rules, so walk them the same way here.
  const set = ctx.set
  const seen = new Map<string, number>()
  return a.map((el, i) => {
    const seg = set ? segmentOf(el, set.key ?? '', seen) : i
    const child = descend(rules, ctx, set ? SEG_SETKEY : SEG_INDEX, seg)
    return redactFrom(el, child, false, rules, hash)
  })
}
