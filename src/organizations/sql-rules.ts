// The cleaning rules of rules.ts as SQL expressions, one builder per rule, for mapping-sql.ts. Shapes are
// tested with length() and translate() where a regular expression would cost a microsecond a row.
import { BALLOT_LEVELS } from '../domain/index.js'
import type { FieldSpec } from './fields.js'

const WS = `E' \\t\\n\\r'`
const MAX_WHOLE = '1e15'

/** rules.ts cleanText: a trimmed non-blank string, or a whole number below 1e15 as decimal text. */
export function textRule(j: string): string {
  return `CASE jsonb_typeof(${j})
        WHEN 'string' THEN nullif(btrim(${j} #>> '{}', ${WS}), '')
        WHEN 'number' THEN CASE WHEN abs((${j})::numeric) < ${MAX_WHOLE} THEN
          -- Compared as the double JSON.parse reads, once the numeric check rules out an overflow.
          CASE WHEN abs((${j})::float8) < ${MAX_WHOLE} AND (${j})::float8 = trunc((${j})::float8)
            THEN ((${j})::float8)::bigint::text END END END`
}

export function trimmedString(j: string): string {
  return `CASE WHEN jsonb_typeof(${j}) = 'string' THEN nullif(btrim(${j} #>> '{}', ${WS}), '') END`
}

export function booleanRule(j: string): string {
  return `CASE jsonb_typeof(${j})
        WHEN 'boolean' THEN (${j})::boolean
        WHEN 'string' THEN CASE btrim(${j} #>> '{}', ${WS}) WHEN 'true' THEN true WHEN 'false' THEN false END END`
}

/** A (non-NULL) value that is neither JSON null nor a blank string: rejecting it makes it invalid. */
export function present(j: string): string {
  return `CASE jsonb_typeof(${j}) WHEN 'null' THEN false WHEN 'string' THEN btrim(${j} #>> '{}', ${WS}) <> '' ELSE true END`
}

// Regular expressions cost about a microsecond a row each; the shape tests below use length() and
// translate() instead (ASCII letters and digits only, exactly as the rules.ts expressions demand).
const LETTERS = `'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'`
const onlyLetters = (t: string) => `translate(${t}, ${LETTERS}, '') = ''`
/** rules.ts OTHER: any ASCII casing of "other". */
export const isOther = (t: string) => `(length(${t}) = 5 AND translate(${t}, 'OTHERother', '') = '' AND lower(${t}) = 'other')`

export function finalRule(f: FieldSpec): string {
  const t = `om_t.${f.column}`
  switch (f.rule) {
    case 'text':
    case 'boolean':
      return t
    case 'state':
      return `CASE WHEN length(${t}) = 2 AND ${onlyLetters(t)} THEN upper(${t}) END`
    case 'ballotLevel':
      return `CASE WHEN ${onlyLetters(t)} AND upper(${t}) IN (${BALLOT_LEVELS.map((l) => `'${l}'`).join(', ')}) THEN upper(${t}) END`
    case 'office':
      return `CASE WHEN ${isOther(t)} THEN 'Other' ELSE ${t} END`
    case 'otherOffice':
      return `CASE WHEN ${isOther('om_t.office')} THEN ${t} END`
    case 'date':
      return dateRule(t)
  }
}

/**
 * rules.ts cleanDate: `YYYY-MM-DD[T…]` or `M/D/YYYY`, a real day in 1900–2199. The common shape,
 * plain `YYYY-MM-DD`, is checked with byte comparisons of its parts (cheap per row at millions of rows);
 * the rarer shapes take the arithmetic path.
 */
function dateRule(t: string): string {
  return `CASE
        WHEN ${t} IS NULL THEN NULL
        WHEN length(${t}) = 10 AND ${isoShape(t)} THEN ${isoDay(t)}
        WHEN length(${t}) > 10 AND substr(${t}, 11, 1) = 'T' AND ${isoShape(`substr(${t}, 1, 10)`)} THEN ${isoDay(`substr(${t}, 1, 10)`)}
        WHEN ${t} ~ '^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}$' THEN ${validDay(`split_part(${t}, '/', 3)::int`, `split_part(${t}, '/', 1)::int`, `split_part(${t}, '/', 2)::int`)}
      END`
}

/** Ten characters `DDDD-DD-DD` (ASCII digits): the only non-digits are the dashes at 5 and 8. */
function isoShape(s: string): string {
  return `translate(${s}, '0123456789', '') = '--' AND substr(${s}, 5, 1) = '-' AND substr(${s}, 8, 1) = '-'`
}

/** A `YYYY-MM-DD` string of digits as a date when the day exists (1900–2199), else NULL. */
function isoDay(s: string): string {
  const part = (from: number, len: number) => `substr(${s}, ${from}, ${len}) COLLATE "C"`
  const y = `substr(${s}, 1, 4)::int`
  return `CASE WHEN ${s} COLLATE "C" BETWEEN '1900-01-01' AND '2199-12-31'
          AND ${part(6, 2)} BETWEEN '01' AND '12' AND ${part(9, 2)} >= '01'
          AND ${part(9, 2)} <= CASE ${part(6, 2)}
            WHEN '02' THEN CASE WHEN ${y} % 4 = 0 AND (${y} % 100 <> 0 OR ${y} % 400 = 0) THEN '29' ELSE '28' END
            WHEN '04' THEN '30' WHEN '06' THEN '30' WHEN '09' THEN '30' WHEN '11' THEN '30' ELSE '31' END
        THEN (${s})::date END`
}

function validDay(y: string, m: string, d: string): string {
  return `CASE WHEN ${y} BETWEEN 1900 AND 2199 AND ${m} BETWEEN 1 AND 12 AND ${d} BETWEEN 1 AND
          CASE WHEN ${m} = 2 THEN CASE WHEN ${y} % 4 = 0 AND (${y} % 100 <> 0 OR ${y} % 400 = 0) THEN 29 ELSE 28 END
               WHEN ${m} IN (4, 6, 9, 11) THEN 30 ELSE 31 END
        THEN make_date(${y}, ${m}, ${d}) END`
}
