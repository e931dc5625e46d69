// The voter_file_filter queries. Field values travel as one JSON parameter read back by
// jsonb_populate_record, so any subset of the ~60 columns is written with its proper type.
import { filterColumns, jsonb, nowUtc, type Db, type FilterJson, type JsonObject } from './db.js'

/** The caller's campaign as the filter routes need it: its id and whether it may create segments. */
export async function findFilterCampaign(db: Db, userId: number): Promise<{ id: number; mayCreate: boolean } | undefined> {
  // gp-api's check today: a pro campaign, or a user who has (an active) elected office.
  const [row] = await db<{ id: number; mayCreate: boolean }[]>`
    SELECT c.id, (coalesce(c."isPro", false) OR EXISTS (
      SELECT 1 FROM elected_office eo WHERE eo.user_id = c.user_id AND eo."isActive")) AS "mayCreate"
    FROM campaign c WHERE c.user_id = ${userId}`
  return row
}

/** The campaign's filters by name, then id so equal names keep one order; NULL names last. */
export async function listFilters(db: Db, campaignId: number): Promise<FilterJson[]> {
  return db<FilterJson[]>`
    SELECT ${filterColumns(db)} FROM voter_file_filter
    WHERE campaign_id = ${campaignId}
    ORDER BY name ASC, id ASC`
}

export async function findFilter(db: Db, campaignId: number, id: number): Promise<FilterJson | undefined> {
  const [row] = await db<FilterJson[]>`
    SELECT ${filterColumns(db)} FROM voter_file_filter WHERE id = ${id} AND campaign_id = ${campaignId}`
  return row
}

/** Inserts the given fields (keys are validated column names) for the campaign. */
export async function insertFilter(db: Db, campaignId: number, fields: JsonObject): Promise<FilterJson> {
  const columns = Object.keys(fields)
  const [row] = await db<FilterJson[]>`
    INSERT INTO voter_file_filter (${db(columns)}, campaign_id, created_at, updated_at)
    SELECT ${db(columns)}, ${campaignId}, ${nowUtc(db)}, ${nowUtc(db)}
    FROM jsonb_populate_record(NULL::voter_file_filter, ${jsonb(db, fields)})
    RETURNING ${filterColumns(db)}`
  return row!
}

/** Sets the given fields (a partial update) and `updated_at`; undefined when not the campaign's. */
export async function updateFilter(db: Db, campaignId: number, id: number, fields: JsonObject): Promise<FilterJson | undefined> {
  const columns = Object.keys(fields)
  const set = columns.length
    ? db`(${db(columns)}) = (SELECT ${db(columns)}
          FROM jsonb_populate_record(NULL::voter_file_filter, ${jsonb(db, fields)})),`
    : db``
  const [row] = await db<FilterJson[]>`
    UPDATE voter_file_filter SET ${set} updated_at = ${nowUtc(db)}
    WHERE id = ${id} AND campaign_id = ${campaignId}
    RETURNING ${filterColumns(db)}`
  return row
}

/** Deletes one of the campaign's filters; false when it has none with that id. */
export async function deleteFilter(db: Db, campaignId: number, id: number): Promise<boolean> {
  const rows = await db`DELETE FROM voter_file_filter WHERE id = ${id} AND campaign_id = ${campaignId} RETURNING id`
  return rows.length > 0
}
