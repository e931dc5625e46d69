// SQL text shared by the queries over `organization`: the typed column list for jsonb_to_recordset and
// the select list that reads the legacy-sourced columns back in the mapping's shape (dates as
// YYYY-MM-DD text, so no process time zone or DateStyle leaks into a comparison).
import { FIELD_SPECS, type FieldRule } from './fields.js'

const SQL_TYPE: Record<FieldRule, string> = {
  text: 'text',
  state: 'text',
  ballotLevel: 'text',
  office: 'text',
  otherOffice: 'text',
  date: 'date',
  boolean: 'boolean',
}

/** `position_id text, …, election_date date, …` */
export const FIELD_TYPES_SQL = FIELD_SPECS.map((f) => `${f.column} ${SQL_TYPE[f.rule]}`).join(', ')

/** The columns of `o` (an organization alias) as the mapping produces them. */
export function fieldSelectSql(alias: string): string {
  return FIELD_SPECS.map((f) =>
    f.rule === 'date' ? `to_char(${alias}.${f.column}, 'YYYY-MM-DD') AS ${f.column}` : `${alias}.${f.column}`,
  ).join(', ')
}

/** `position_id = v.position_id, …` for an UPDATE … FROM v. */
export const FIELD_ASSIGN_SQL = FIELD_SPECS.map((f) => `${f.column} = v.${f.column}`).join(', ')

/** `position_id, …` in table order. */
export const FIELD_LIST_SQL = FIELD_SPECS.map((f) => f.column).join(', ')
