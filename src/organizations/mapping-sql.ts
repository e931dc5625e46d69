// The mapping of mapping.ts as set-based SQL, for the statements that map millions of rows in the
// database (the backfill, its one-shot benchmark twin, reconcile's deep check). Generated from the same
// FIELD_SPECS table; test/organizations/mapping-sql.test.ts proves it agrees with mapLegacyRows field by
// field on thousands of generated messy rows. The text holds only our own constants (keys, column
// names), never a value, so callers run it with sql.unsafe and pass every value as a $n parameter.
import { FIELD_SPECS, legacyPath, type FieldSpec } from './fields.js'
import { booleanRule, finalRule, isOther, present, textRule, trimmedString } from './sql-rules.js'


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
  const stage2 = FIELD_SPECS.map((f) => {
    const j = `om_j.${f.column}`
    const value = f.rule === 'date' ? trimmedString(j) : f.rule === 'boolean' ? booleanRule(j) : textRule(j)
    return `${value} AS ${f.column}`
  })
  const stage3 = FIELD_SPECS.map((f) => `${finalRule(f)} AS ${f.column}`)
  // A value is invalid when it was present (not missing, JSON null or a blank string) and the rule
  // gave null; the cheap tests come first, so most fields stop at "IS NULL".
  const rejected = FIELD_SPECS.map((f) => {
    const j = `om_j.${f.column}`
    const gate = f.rule === 'otherOffice' ? ` AND ${isOther('om_t.office')}` : ''
    return [`om_v.${f.column} IS NULL AND ${j} IS NOT NULL${gate} AND ${present(j)}`, legacyPath(f)] as const
  })
  const shapes = [
    [`om_j.details_type NOT IN ('object', 'null')`, 'details'],
    [`om_j.data_type NOT IN ('object', 'null')`, 'pathToVictory.data'],
  ] as const
  const all = [...shapes, ...rejected]
  const invalid = `CASE WHEN ${all.map(([cond]) => `(${cond})`).join(' OR ')}
      THEN array_remove(ARRAY[${all.map(([cond, path]) => `CASE WHEN ${cond} THEN '${path}' END`).join(',\n        ')}]::text[], NULL)
      ELSE '{}'::text[] END`
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
    CROSS JOIN LATERAL (SELECT ${outcome} AS outcome, ${invalid} AS invalid) AS om`
}

/** The mapped columns of mappingLateral, in FIELD_SPECS order, then outcome and invalid. */
export const MAPPED_COLUMNS = [...FIELD_SPECS.map((f) => `om_v.${f.column}`), 'om.outcome', 'om.invalid'].join(', ')

/** The legacy rows' newest updated_at, read as UTC (see mapping.ts), as timestamptz. */
export function syncedAtSql(...updatedAt: string[]): string {
  return `(greatest(${updatedAt.join(', ')}) AT TIME ZONE 'UTC')`
}
