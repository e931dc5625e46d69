// The SQL of segment writes by organization. None of it names voter_file_filter.campaign_id: phase 3 drops
// the column, and these statements must keep working after. While it exists, the compat trigger of
// migration 0300 fills it for a win organization's new segment, and the answer reads it through the
// row's JSON (unset once dropped).
import type postgres from 'postgres'
import { FILTER_COLUMNS, jsonb, TIMESTAMP_FORMAT } from '../legacy/db.js'

type Db = postgres.ISql

/** A segment as gp-api serialises it (columns in table order), plus the organization it belongs to. */
export type SegmentJson = Record<string, unknown> & { id: number; organizationId: string | null }

/** The columns of a segment row aliased `f`, in gp-api's JSON shape. */
const segmentJson = (db: Db) => db`
  f.id, f.name, ${db.unsafe(FILTER_COLUMNS.map((c) => `f."${c}"`).join(', '))},
  to_jsonb(f)->'campaign_id' AS "campaignId",
  to_char(f.created_at, ${TIMESTAMP_FORMAT}) AS "createdAt",
  to_char(f.updated_at, ${TIMESTAMP_FORMAT}) AS "updatedAt",
  f.organization_id::text AS "organizationId"`

/** gp-api stamps rows with UTC wall-clock time (timestamp columns), whatever the session's TimeZone. */
const nowUtc = (db: Db) => db`(now() AT TIME ZONE 'UTC')`

/**
 * Inserts a segment of the organization (whose owner is checked again in the statement); undefined when
 * the organization is no longer the caller's. `fields` keys are validated column names.
 */
export async function insertSegment(db: Db, a: { organizationId: string; userId: number; fields: Record<string, unknown> }): Promise<SegmentJson | undefined> {
  const columns = Object.keys(a.fields)
  const [row] = await db<SegmentJson[]>`
    INSERT INTO voter_file_filter AS f (${db(columns)}, organization_id, created_at, updated_at)
    SELECT ${db.unsafe(columns.map((c) => `r."${c}"`).join(', '))}, o.id, ${nowUtc(db)}, ${nowUtc(db)}
    FROM jsonb_populate_record(NULL::voter_file_filter, ${jsonb(db, a.fields)}) r
    JOIN organization o ON o.id = ${a.organizationId}::uuid AND o.owner_id = ${a.userId}
    RETURNING ${segmentJson(db)}`
  return row
}

/**
 * Which row an update or delete may touch: the one the guard found visible, still in the organization it
 * was seen in, and that organization still the caller's (a segment moved meanwhile is not found).
 */
const stillVisible = (db: Db, a: { id: number; userId: number; seenOrganization: string | null }) => db`
  f.id = ${a.id}
  ${a.seenOrganization ? db`AND f.organization_id = ${a.seenOrganization}::uuid` : db``}
  AND f.organization_id IN (SELECT so.id FROM organization so WHERE so.owner_id = ${a.userId})`

/** Sets the given fields (a partial update) and updated_at; undefined when the segment is not found. */
export async function updateSegment(db: Db, a: { id: number; userId: number; seenOrganization: string | null; fields: Record<string, unknown> }): Promise<SegmentJson | undefined> {
  const columns = Object.keys(a.fields)
  const set = columns.length
    ? db`(${db(columns)}) = (SELECT ${db(columns)} FROM jsonb_populate_record(NULL::voter_file_filter, ${jsonb(db, a.fields)})),`
    : db``
  const [row] = await db<SegmentJson[]>`
    UPDATE voter_file_filter f SET ${set} updated_at = ${nowUtc(db)}
    WHERE ${stillVisible(db, a)}
    RETURNING ${segmentJson(db)}`
  return row
}

export async function deleteSegment(db: Db, a: { id: number; userId: number; seenOrganization: string | null }): Promise<boolean> {
  const rows = await db`DELETE FROM voter_file_filter f WHERE ${stillVisible(db, a)} RETURNING f.id`
  return rows.length > 0
}

/** One segment in the answer's shape, or undefined. */
export async function readSegment(db: Db, id: number): Promise<SegmentJson | undefined> {
  const [row] = await db<SegmentJson[]>`SELECT ${segmentJson(db)} FROM voter_file_filter f WHERE f.id = ${id}`
  return row
}

/** The whole raw row (every column, whatever the table holds by then), the undo's before-image. */
export async function rawSegment(db: Db, id: number): Promise<Record<string, unknown> | null> {
  const [row] = await db<{ row: Record<string, unknown> }[]>`SELECT to_jsonb(f) AS row FROM voter_file_filter f WHERE f.id = ${id}`
  return row?.row ?? null
}

/** Puts a before-image back over its row, column by column, generically (no column is named here). */
export async function restoreSegment(db: Db, image: Record<string, unknown>): Promise<void> {
  const columns = Object.keys(image).filter((k) => k !== 'id')
  await db`
    UPDATE voter_file_filter f SET (${db(columns)}) = (
      SELECT ${db(columns)} FROM jsonb_populate_record(NULL::voter_file_filter, ${jsonb(db, image)}))
    WHERE f.id = ${image.id as number}`
}

/** Re-creates a deleted row from its before-image, id and timestamps included. */
export async function reinsertSegment(db: Db, image: Record<string, unknown>): Promise<void> {
  await db`INSERT INTO voter_file_filter SELECT * FROM jsonb_populate_record(NULL::voter_file_filter, ${jsonb(db, image)})`
}

export async function removeSegment(db: Db, id: number): Promise<void> {
  await db`DELETE FROM voter_file_filter WHERE id = ${id}`
}
