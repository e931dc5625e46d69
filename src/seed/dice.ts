// Deterministic pseudo-randomness for set-based SQL: every choice is a hash of (seed, row key, purpose),
// so the same seed gives the same rows whatever the chunking or the server (PostgreSQL or PGlite).
import type postgres from 'postgres'
import type { Sql } from '../db/index.js'

export type Fragment = postgres.PendingQuery<postgres.Row[]>

/** How a JSON member goes wrong, per hundred rows; the rest hold the value itself. */
export type MessyShape = {
  /** the key is absent */
  missing?: number
  /** JSON null */
  nulls?: number
  /** "" */
  empty?: number
  /** a number or boolean written as a string ("42", "true") */
  asString?: number
}

export type Dice = {
  /** `0 .. sides-1` (an int) for the row whose key is the column `key` (e.g. 'k', 'c.user_id') or an expression. */
  roll: (key: string | Fragment, purpose: string, sides: number) => Fragment
  /** One element of `list`, picked by `roll`. */
  pick: (key: string, purpose: string, list: readonly string[]) => Fragment
  /**
   * One member of a JSON object as text: `,"name":value`, or '' when the key is missing; wrap the
   * members with `object`. `value` is a SQL text (kind 'string') or number/boolean expression; a SQL
   * NULL value gives JSON null. Values must not hold `"` or `\` (the catalogue is checked for that).
   */
  member: (key: string, name: string, value: Fragment, kind: 'string' | 'number' | 'boolean', shape?: MessyShape) => Fragment
  /**
   * A jsonb object from members (text). JSON is assembled as text and cast once: building it with
   * jsonb functions (jsonb_build_object, `-`, `||`) made a campaign row about twice as slow (measured).
   */
  object: (members: Fragment[]) => Fragment
  /** Text fragments joined with `||`. */
  concat: (parts: Fragment[]) => Fragment
}

/** @example const { roll } = dice(sql, 42); sql`select ${roll('k', 'role', 100)} from generate_series(1, 3) k` */
export function dice(sql: Sql, seed: number): Dice {
  const salt = (purpose: string) => String(BigInt(seed) * 4294967296n + BigInt(fnv1a(purpose)))
  const roll = (key: string | Fragment, purpose: string, sides: number): Fragment =>
    sql`((hashint8extended((${typeof key === 'string' ? sql(key) : key})::bigint, ${salt(purpose)}::bigint) & 9223372036854775807) % ${sides}::int)::int`
  const pick = (key: string, purpose: string, list: readonly string[]): Fragment => {
    assertJsonSafe(list)
    return sql`(${list as string[]}::text[])[1 + ${roll(key, purpose, list.length)}]`
  }
  const member: Dice['member'] = (key, name, value, kind, shape = {}) => {
    const prefix = `,"${name}":`
    const json = kind === 'string' ? sql`'"' || (${value})::text || '"'` : sql`(${value})::text`
    const asValue = sql`coalesce(${prefix}::text || ${json}, ${prefix + 'null'}::text)`
    const m = shape.missing ?? 0
    const n = m + (shape.nulls ?? 0)
    const e = n + (shape.empty ?? 0)
    const a = e + (shape.asString ?? 0)
    if (a === 0) return asValue
    // A simple CASE on width_bucket rolls once per row; `when roll < x` branches rolled once per branch,
    // which was most of the cost of building the JSON.
    return sql`(case width_bucket(${roll(key, `shape:${name}`, 100)}, ${[m, n, e, a]}::int[])
      when 0 then ''
      when 1 then ${prefix + 'null'}::text
      when 2 then ${prefix + '""'}::text
      when 3 then coalesce(${prefix}::text || '"' || (${value})::text || '"', ${prefix + 'null'}::text)
      else ${asValue} end)`
  }
  const concat = (parts: Fragment[]): Fragment => parts.reduce((all, p) => sql`${all} || ${p}`)
  const object = (members: Fragment[]): Fragment => sql`('{' || ltrim(${concat(members)}, ',') || '}')::jsonb`
  return { roll, pick, member, object, concat }
}

function assertJsonSafe(list: readonly string[]): void {
  const bad = list.find((s) => /["\\\u0000-\u001f]/.test(s))
  if (bad !== undefined) throw new Error(`seed catalogue value ${JSON.stringify(bad)} would need JSON escaping`)
}

/** FNV-1a, 32 bits: a stable number for a purpose name. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5
  for (const ch of Buffer.from(text, 'utf8')) {
    h ^= ch
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}
