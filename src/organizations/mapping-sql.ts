// The mapping of mapping.ts as set-based SQL, for the statements that map millions of rows in the
// database (the backfill, its one-shot benchmark twin, reconcile's deep check). Generated from the same
// FIELD_SPECS table; test/organizations/mapping-sql.test.ts proves it agrees with mapLegacyRows field by
// field on thousands of generated messy rows. The text holds only our own constants (keys, column
// names), never a value, so callers run it with sql.unsafe and pass every value as a $n parameter.
import { BALLOT_LEVELS } from '../domain/index.js'
import { FIELD_SPECS, legacyPath, type FieldSpec } from './fields.js'

const WS = `E' \\t\\n\\r'`
const OTHER_RE = `'^[Oo][Tt][Hh][Ee][Rr]$'`
const MAX_WHOLE = '1e15'

export type MappingInputs = {
  /** jsonb expression: campaign.details (NULL when there is no campaign). */
  details: string
  /** jsonb expression: path_to_victory.data (NULL when there is no P2V row). */
  data: string
  /** boolean expression: the row is an elected office without a campaign. */
  orphan: string
}

/**
 * FROM-clause suffix (`CROSS JOIN LATERAL …` ×4) that exposes the mapped columns as `om_v.<column>`
 * and `om.outcome`, `om.invalid` (text[] of legacy field paths). Each stage is an OFFSET 0 subquery so
 * PostgreSQL computes its values once per row instead of pasting the expressions into every use.
 * @example `SELECT ${MAPPED_COLUMNS} FROM campaign c LEFT JOIN path_to_victory p ON p.campaign_id = c.id
 *           ${mappingLateral({ details: 'c.details', data: 'p.data', orphan: 'false' })}`
 */
export function mappingLateral(inputs: MappingInputs): string {
  for (const k of FIELD_SPECS) if (!/^[A-Za-z]+$/.test(k.key) || !/^[a-z0-9_]+$/.test(k.column)) throw new Error(`unsafe field spec ${k.key}`)
  const src = (f: FieldSpec) => (f.source === 'details' ? inputs.details : inputs.data)
  const stage1 = [
    `jsonb_typeof(${inputs.details}) AS details_type`,
    `jsonb_typeof(${inputs.data}) AS data_type`,
    ...FIELD_SPECS.map((f) => `(${src(f)}) -> '${f.key}' AS ${f.column}`),
  ]
  const stage2 = FIELD_SPECS.flatMap((f) => {
    const j = `om_j.${f.column}`
    const value = f.rule === 'date' ? trimmedString(j) : f.rule === 'boolean' ? booleanRule(j) : textRule(j)
    return [`${value} AS ${f.column}`, `${present(j)} AS p_${f.column}`]
  })
  const stage3 = FIELD_SPECS.map((f) => `${finalRule(f)} AS ${f.column}`)
  const invalid = [
    `CASE WHEN om_j.details_type NOT IN ('object', 'null') THEN 'details' END`,
    `CASE WHEN om_j.data_type NOT IN ('object', 'null') THEN 'pathToVictory.data' END`,
    ...FIELD_SPECS.map((f) => {
      const gate = f.rule === 'otherOffice' ? ` AND om_t.office ~ ${OTHER_RE}` : ''
      return `CASE WHEN om_t.p_${f.column}${gate} AND om_v.${f.column} IS NULL THEN '${legacyPath(f)}' END`
    }),
  ]
  const outcome = `CASE
      WHEN ${inputs.orphan} THEN 'orphan'
      WHEN om_j.details_type NOT IN ('object', 'null') OR om_j.data_type NOT IN ('object', 'null') THEN 'invalid-details'
      WHEN (om_t.position_id IS NOT NULL OR om_t.office IS NOT NULL)
       AND ((om_t.l2_district_type IS NOT NULL AND om_t.l2_district_name IS NOT NULL) OR om_t.district_id IS NOT NULL) THEN 'exact'
      WHEN om_t.position_id IS NOT NULL OR om_t.office IS NOT NULL THEN 'position-only'
      WHEN (om_t.l2_district_type IS NOT NULL AND om_t.l2_district_name IS NOT NULL) OR om_t.district_id IS NOT NULL THEN 'district-only'
      ELSE 'no-data' END`
  return `
    CROSS JOIN LATERAL (SELECT ${stage1.join(',\n      ')} OFFSET 0) AS om_j
    CROSS JOIN LATERAL (SELECT ${stage2.join(',\n      ')} OFFSET 0) AS om_t
    CROSS JOIN LATERAL (SELECT ${stage3.join(',\n      ')} OFFSET 0) AS om_v
    CROSS JOIN LATERAL (SELECT ${outcome} AS outcome,
      array_remove(ARRAY[${invalid.join(',\n        ')}]::text[], NULL) AS invalid) AS om`
}

/** The mapped columns of mappingLateral, in FIELD_SPECS order, then outcome and invalid. */
export const MAPPED_COLUMNS = [...FIELD_SPECS.map((f) => `om_v.${f.column}`), 'om.outcome', 'om.invalid'].join(', ')

/** The legacy rows' newest updated_at, read as UTC (see mapping.ts), as timestamptz. */
export function syncedAtSql(...updatedAt: string[]): string {
  return `(greatest(${updatedAt.join(', ')}) AT TIME ZONE 'UTC')`
}

/** rules.ts cleanText: a trimmed non-blank string, or a whole number below 1e15 as decimal text. */
function textRule(j: string): string {
  return `CASE jsonb_typeof(${j})
        WHEN 'string' THEN nullif(btrim(${j} #>> '{}', ${WS}), '')
        WHEN 'number' THEN CASE WHEN abs((${j})::numeric) < ${MAX_WHOLE} THEN
          -- Compared as the double JSON.parse reads, once the numeric check rules out an overflow.
          CASE WHEN abs((${j})::float8) < ${MAX_WHOLE} AND (${j})::float8 = trunc((${j})::float8)
            THEN ((${j})::float8)::bigint::text END END END`
}

function trimmedString(j: string): string {
  return `CASE WHEN jsonb_typeof(${j}) = 'string' THEN nullif(btrim(${j} #>> '{}', ${WS}), '') END`
}

function booleanRule(j: string): string {
  return `CASE jsonb_typeof(${j})
        WHEN 'boolean' THEN (${j})::boolean
        WHEN 'string' THEN CASE btrim(${j} #>> '{}', ${WS}) WHEN 'true' THEN true WHEN 'false' THEN false END END`
}

/** A value that is neither missing, JSON null nor a blank string: rejecting it makes it invalid. */
function present(j: string): string {
  return `coalesce(jsonb_typeof(${j}) <> 'null' AND (jsonb_typeof(${j}) <> 'string' OR btrim(${j} #>> '{}', ${WS}) <> ''), false)`
}

function finalRule(f: FieldSpec): string {
  const t = `om_t.${f.column}`
  switch (f.rule) {
    case 'text':
    case 'boolean':
      return t
    case 'state':
      return `CASE WHEN ${t} ~ '^[A-Za-z]{2}$' THEN upper(${t}) END`
    case 'ballotLevel':
      return `CASE WHEN ${t} ~ '^[A-Za-z]+$' AND upper(${t}) IN (${BALLOT_LEVELS.map((l) => `'${l}'`).join(', ')}) THEN upper(${t}) END`
    case 'office':
      return `CASE WHEN ${t} ~ ${OTHER_RE} THEN 'Other' ELSE ${t} END`
    case 'otherOffice':
      return `CASE WHEN om_t.office ~ ${OTHER_RE} THEN ${t} END`
    case 'date':
      return dateRule(t)
  }
}

/** rules.ts cleanDate: `YYYY-MM-DD[T…]` or `M/D/YYYY`, a real day in 1900–2199. */
function dateRule(t: string): string {
  const valid = (y: string, m: string, d: string) => `CASE WHEN ${y} BETWEEN 1900 AND 2199 AND ${m} BETWEEN 1 AND 12 AND ${d} BETWEEN 1 AND
          CASE WHEN ${m} = 2 THEN CASE WHEN ${y} % 4 = 0 AND (${y} % 100 <> 0 OR ${y} % 400 = 0) THEN 29 ELSE 28 END
               WHEN ${m} IN (4, 6, 9, 11) THEN 30 ELSE 31 END
        THEN make_date(${y}, ${m}, ${d}) END`
  const part = (fn: string) => `${fn}::int`
  return `CASE
        WHEN ${t} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T.*)?$' THEN ${valid(part(`substr(${t}, 1, 4)`), part(`substr(${t}, 6, 2)`), part(`substr(${t}, 9, 2)`))}
        WHEN ${t} ~ '^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}$' THEN ${valid(part(`split_part(${t}, '/', 3)`), part(`split_part(${t}, '/', 1)`), part(`split_part(${t}, '/', 2)`))}
      END`
}
