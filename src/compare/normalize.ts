// Value normalisations the rules opt into (instants, numbers written as strings, tolerances) and
// canonical JSON, so equal values hash and compare equal whatever their key order.
import type { JsonType } from './types.js'

export function typeOf(v: unknown): JsonType {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  const t = typeof v
  return t === 'object' ? 'object' : (t as JsonType)
}

/** JSON with object keys sorted; undefined properties are dropped as JSON.stringify drops them. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null'
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`
  const o = v as Record<string, unknown>
  const parts: string[] = []
  for (const k of Object.keys(o).sort()) if (o[k] !== undefined) parts.push(`${JSON.stringify(k)}:${canonicalJson(o[k])}`)
  return `{${parts.join(',')}}`
}

const NUMERIC = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/

/** A number, or (where a rule says numbers may be strings) a string that spells one. */
export function asNumber(v: unknown, fromString: boolean): number | undefined {
  if (typeof v === 'number') return v
  if (fromString && typeof v === 'string' && NUMERIC.test(v)) return Number(v)
  return undefined
}

export type Tolerance = { abs?: number | undefined; rel?: number | undefined }

/** Equal within `abs`, or within `rel` of the larger magnitude; whichever allows more. */
export function withinTolerance(a: number, b: number, tol: Tolerance | undefined): boolean {
  if (a === b) return true
  if (!tol) return false
  const d = Math.abs(a - b)
  return d <= (tol.abs ?? 0) || d <= (tol.rel ?? 0) * Math.max(Math.abs(a), Math.abs(b))
}

// YYYY-MM-DD, optionally THH:MM[:SS[.fraction]] and Z or ±HH[:]MM. No offset means UTC: gp-api
// writes UTC, and Date.parse would read an offset-less time in the server's zone.
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/

/**
 * An instant in epoch milliseconds, from an ISO 8601 string (with or without milliseconds or
 * offset), a `YYYY-MM-DD` date (midnight UTC) or an epoch-ms number. Fractions below the
 * millisecond are dropped (PostgreSQL keeps microseconds, JavaScript does not).
 */
export function toInstant(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : undefined
  if (typeof v !== 'string') return undefined
  const m = ISO.exec(v.trim())
  if (!m) return undefined
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as Six
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || s > 60) return undefined
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0
  return Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMs(m[8])
}

type Six = [number, number, number, number, number, number]

function validDate(y: number, mo: number, d: number): boolean {
  if (mo < 1 || mo > 12 || d < 1) return false
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate()
}

function offsetMs(zone: string | undefined): number {
  if (!zone || zone === 'Z' || zone === 'z') return 0
  const sign = zone[0] === '-' ? -1 : 1
  const digits = zone.slice(1).replace(':', '')
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0)) * 60_000
}
