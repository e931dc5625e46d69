// The cleaning rules of fields.ts in TypeScript, one function per rule. Each returns the column value
// and whether the legacy value was present but had to be rejected (reported as invalid) or changed
// (a note). mapping-sql.ts holds the same rules in SQL; a test keeps the two equal.
import { BALLOT_LEVELS } from '../domain/index.js'

export type Cleaned<T> = { value: T | null; invalid: boolean; note?: string }

// Only these four characters are trimmed: JavaScript's trim() and SQL's btrim() disagree on the rest.
const EDGE_SPACE = /^[ \t\n\r]+|[ \t\n\r]+$/g
const ISO_DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})(T[\s\S]*)?$/
const US_DATE = /^([0-9]{1,2})\/([0-9]{1,2})\/([0-9]{4})$/
const OTHER = /^[Oo][Tt][Hh][Ee][Rr]$/
const TWO_LETTERS = /^[A-Za-z]{2}$/
const LETTERS = /^[A-Za-z]+$/
/** Whole numbers stored as JSON numbers become text up to here; beyond, doubles lose digits. */
const MAX_WHOLE = 1e15

const missing = <T>(): Cleaned<T> => ({ value: null, invalid: false })
const rejected = <T>(raw: unknown): Cleaned<T> => ({ value: null, invalid: true, note: `rejected ${describe(raw)}` })

/** A string trimmed (blank → missing) or a whole number as decimal text; booleans, objects, arrays are invalid. */
export function cleanText(raw: unknown): Cleaned<string> {
  if (raw === undefined || raw === null) return missing()
  if (typeof raw === 'string') {
    const t = raw.replace(EDGE_SPACE, '')
    if (t === '') return missing()
    return t === raw ? { value: t, invalid: false } : { value: t, invalid: false, note: 'trimmed' }
  }
  if (typeof raw === 'number') {
    if (Number.isInteger(raw) && Math.abs(raw) < MAX_WHOLE) return { value: String(raw), invalid: false, note: 'number stored as text' }
    return rejected(raw)
  }
  return rejected(raw)
}

export function cleanState(raw: unknown): Cleaned<string> {
  const t = cleanText(raw)
  if (t.value === null) return t
  if (!TWO_LETTERS.test(t.value)) return rejected(raw)
  const up = t.value.toUpperCase()
  return up === raw ? { value: up, invalid: false } : { value: up, invalid: false, note: `${describe(raw)} → "${up}"` }
}

export function cleanBallotLevel(raw: unknown): Cleaned<string> {
  const t = cleanText(raw)
  if (t.value === null) return t
  const up = t.value.toUpperCase()
  if (!LETTERS.test(t.value) || !(BALLOT_LEVELS as readonly string[]).includes(up)) return rejected(raw)
  return up === raw ? { value: up, invalid: false } : { value: up, invalid: false, note: `${describe(raw)} → "${up}"` }
}

export function cleanOffice(raw: unknown): Cleaned<string> {
  const t = cleanText(raw)
  if (t.value === null || !OTHER.test(t.value) || t.value === 'Other') return t
  return { value: 'Other', invalid: false, note: `${describe(raw)} → "Other"` }
}

/** A calendar day as `YYYY-MM-DD`. */
export function cleanDate(raw: unknown): Cleaned<string> {
  if (raw === undefined || raw === null) return missing()
  if (typeof raw !== 'string') return rejected(raw)
  const t = raw.replace(EDGE_SPACE, '')
  if (t === '') return missing()
  let ymd: [number, number, number] | null = null
  let m = ISO_DATE.exec(t)
  if (m) ymd = [Number(m[1]), Number(m[2]), Number(m[3])]
  else if ((m = US_DATE.exec(t))) ymd = [Number(m[3]), Number(m[1]), Number(m[2])]
  if (!ymd || !validDay(...ymd)) return rejected(raw)
  const iso = `${String(ymd[0]).padStart(4, '0')}-${String(ymd[1]).padStart(2, '0')}-${String(ymd[2]).padStart(2, '0')}`
  return iso === raw ? { value: iso, invalid: false } : { value: iso, invalid: false, note: `${describe(raw)} → ${iso}` }
}

export function cleanBoolean(raw: unknown): Cleaned<boolean> {
  if (raw === undefined || raw === null) return missing()
  if (typeof raw === 'boolean') return { value: raw, invalid: false }
  if (typeof raw === 'string') {
    const t = raw.replace(EDGE_SPACE, '')
    if (t === '') return missing()
    if (t === 'true' || t === 'false') return { value: t === 'true', invalid: false, note: `string ${describe(raw)} → ${t}` }
  }
  return rejected(raw)
}

/** The day exists, in years 1900–2199 (outside that, a date in these fields is a typo). */
export function validDay(y: number, m: number, d: number): boolean {
  if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1) return false
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)
  const days = m === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31
  return d <= days
}

/** Is this the office that makes otherOffice count? (office already cleaned) */
export function isOtherOffice(office: string | null): boolean {
  return office === 'Other'
}

function describe(raw: unknown): string {
  const text = JSON.stringify(raw) ?? String(raw)
  return text.length > 40 ? `${text.slice(0, 37)}...` : text
}
