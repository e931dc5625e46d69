// The deep merge gp-api applies to `details`, `data` and P2V `data`: objects merge key by key,
// anything else (arrays, scalars, null) replaces. Unrelated keys written by others survive.
import type { JsonObject } from './db.js'

export function isPlainObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * A new object: `patch` merged into `base` (neither is modified). A non-object base counts as `{}`.
 * @example deepMerge({ a: { b: 1, c: 2 } }, { a: { c: 3 } }) // { a: { b: 1, c: 3 } }
 */
export function deepMerge(base: unknown, patch: JsonObject): JsonObject {
  const out: JsonObject = {}
  if (isPlainObject(base)) for (const [k, v] of Object.entries(base)) define(out, k, v)
  for (const [k, v] of Object.entries(patch)) {
    define(out, k, isPlainObject(v) ? deepMerge(Object.hasOwn(out, k) ? out[k] : undefined, v) : v)
  }
  return out
}

// A JSON key "__proto__" is data: plain assignment would change the object's prototype instead.
function define(target: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}
