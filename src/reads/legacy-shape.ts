// Lays an organization's BR and L2 values over the legacy JSON they replace, through phase 1's inverse
// mapping, and keeps the key order PostgreSQL's jsonb gives legacy's answer, so an organization-backed
// body of in-sync data is the same text as gp-api's.
import { BR_FIELDS, L2_FIELDS } from '../domain/index.js'
import { toLegacyDetails, toLegacyP2vData, withoutKeys, type OrganizationFields } from '../organizations/index.js'

type JsonObject = Record<string, unknown>

/**
 * `campaign.details` with its BR keys taken from the organization (unset columns left out, as gp-api
 * leaves unset keys out). A `details` that is not an object (an old client double-encoded some as a
 * string) is kept as it is: the mapping read no fields from it, so there is nothing to lay over.
 * @example overlayDetails({ state: 'ca', pledged: true }, org.fields) // { state: 'CA', pledged: true }
 */
export function overlayDetails(details: unknown, fields: OrganizationFields): unknown {
  if (!isObject(details)) return details
  return jsonbOrdered({ ...withoutKeys(details, BR_FIELDS), ...toLegacyDetails(fields) })
}

/** `pathToVictory.data` with its L2 keys taken from the organization (same rules as overlayDetails). */
export function overlayP2vData(data: unknown, fields: OrganizationFields): unknown {
  if (!isObject(data)) return data
  return jsonbOrdered({ ...withoutKeys(data, L2_FIELDS), ...toLegacyP2vData(fields) })
}

/**
 * The object with its keys in jsonb's storage order (shorter keys first, then bytewise), which is the
 * order PostgreSQL prints a jsonb value in. Integer-like keys are the exception JavaScript imposes on
 * every object, legacy's included.
 */
export function jsonbOrdered(obj: JsonObject): JsonObject {
  const keys = Object.keys(obj).sort(jsonbKeyOrder)
  const out: JsonObject = {}
  for (const k of keys) out[k] = obj[k]
  return out
}

function jsonbKeyOrder(a: string, b: string): number {
  const la = Buffer.byteLength(a)
  const lb = Buffer.byteLength(b)
  return la !== lb ? la - lb : Buffer.compare(Buffer.from(a), Buffer.from(b))
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
