// The SQL of segments by organization: which organizations share a campaign's segments, a segment row in
// gp-api's JSON shape read without voter_file_filter.campaign_id (the contract step drops it), and the
// assignment of a segment to an organization.
import type postgres from 'postgres'
import { FILTER_COLUMNS, TIMESTAMP_FORMAT } from '../legacy/db.js'

type Db = postgres.ISql

/**
 * An elected office's campaign id, read through the office's row rather than by the column's name. Phase 3
 * drops elected_office.campaign_id (contract step elected-office-campaign-id) and its rollback adds it
 * back: `to_jsonb(e)->>'campaign_id'` is the campaign while the column exists and NULL once it is gone,
 * with no statement to change at the drop. (A SQL function in org_proxy that the drop step replaces was
 * the other choice: its body is not dependency-tracked, so a missed replace, or a rollback that forgets
 * to put it back, fails every segment read at run time.) The cost is the row turned into jsonb: every
 * use here reaches the office through an index (organization_id, user_id) first, never by this value.
 * @example db`SELECT ${db.unsafe(officeCampaignId('e'))} FROM elected_office e WHERE e.user_id = ${userId}`
 */
export const officeCampaignId = (alias: string) => `(to_jsonb(${alias})->>'campaign_id')::int`

/**
 * Whether the organization with id `idSql` has had its shared segments split (phase 3, before the drop of
 * elected_office.campaign_id): it then owns copies of everything it saw and no longer shares.
 */
export const segmentsSplit = (db: Db, idSql: string) => db`EXISTS (
  SELECT 1 FROM org_proxy.legacy_archive sa
  WHERE sa.table_name = 'organization' AND sa.row_id = ${db.unsafe(idSql)}::text AND sa.column_name = 'segments-split')`

/**
 * The campaign whose segments organization `o` (the resolver's alias) sees: a `win` organization's own
 * campaign, a `serve` organization's office's campaign. Until phase 3 decouples offices from campaigns,
 * the organizations of one campaign share its segments (see README: filters of campaigns with serve
 * organizations). The campaign or office must be the owner's: an organization whose owner drifted from
 * its legacy row's user shares nothing. A `serve` organization whose segments were split (or whose
 * office no longer names a campaign) has no campaign: it sees its own segments only.
 */
export const scopeCampaign = (db: Db) => db`(
  SELECT coalesce(c.id, CASE WHEN NOT ${segmentsSplit(db, 'so.id')} THEN ${db.unsafe(officeCampaignId('e'))} END) FROM organization so
  LEFT JOIN campaign c ON c.organization_id = so.id AND c.user_id = so.owner_id
  LEFT JOIN elected_office e ON e.organization_id = so.id AND e.user_id = so.owner_id
  WHERE so.id = o.id)`

/**
 * The organizations of the caller that share that campaign's segments: its `win` organization and the
 * `serve` organizations of its offices, all owned by `o`'s owner (a segment is never listed through an
 * organization of someone else, whatever its row says). Once `o`'s segments are split, `o` alone.
 */
export const scopeOrganizations = (db: Db, campaignId: postgres.Fragment) => db`(
  SELECT so.id FROM organization so
  WHERE so.owner_id = o.owner_id AND (
    so.id = o.id
    OR (NOT ${segmentsSplit(db, 'o.id')} AND (
      so.id IN (SELECT c.organization_id FROM campaign c WHERE c.id = ${campaignId})
      OR so.id IN (SELECT e.organization_id FROM elected_office e WHERE e.user_id = o.owner_id AND ${db.unsafe(officeCampaignId('e'))} = ${campaignId})))))`

/**
 * A segment as gp-api serialises it (columns in table order), `campaignId` being the scope's campaign
 * rather than the row's column, and `organizationId` added: the organization the segment belongs to.
 */
export const filterJsonColumns = (db: Db, campaignId: postgres.Fragment) => db`
  f.id, f.name, ${db.unsafe(FILTER_COLUMNS.map((c) => `f."${c}"`).join(', '))},
  ${campaignId} AS "campaignId",
  to_char(f.created_at, ${TIMESTAMP_FORMAT}) AS "createdAt",
  to_char(f.updated_at, ${TIMESTAMP_FORMAT}) AS "updatedAt",
  f.organization_id AS "organizationId"`

/** What the list and the one-segment reads load with the organization, in the guard's statement. */
export type FilterAccess = { campaignId: number | null; isPro: boolean }
export type FilterListLoad = FilterAccess & { filters: Record<string, unknown>[] }
export type FilterLoad = FilterAccess & { filter: Record<string, unknown> | null }

const access = (db: Db) => db`
  'campaignId', s.campaign_id,
  'isPro', coalesce((SELECT c."isPro" FROM campaign c WHERE c.organization_id = o.id), false)`

/** The segments `o` sees, by name (NULL names last) then id, as gp-api lists them. */
export const includeFilterList = (db: Db) => db`(
  SELECT json_build_object(${access(db)},
    'filters', coalesce((
      SELECT json_agg(to_json(x) ORDER BY x.name, x.id) FROM (
        SELECT ${filterJsonColumns(db, db`s.campaign_id`)} FROM voter_file_filter f
        WHERE f.organization_id IN ${scopeOrganizations(db, db`s.campaign_id`)}
      ) x), '[]'::json))
  FROM (SELECT ${scopeCampaign(db)} AS campaign_id) s)`

/** One segment `o` sees, or null (always null for a null id: one no `integer` column can hold). */
export const includeFilter = (db: Db, id: number | null) => db`(
  SELECT json_build_object(${access(db)},
    'filter', (
      SELECT to_json(x) FROM (
        SELECT ${filterJsonColumns(db, db`s.campaign_id`)} FROM voter_file_filter f
        WHERE f.id = ${id}::int AND f.organization_id IN ${scopeOrganizations(db, db`s.campaign_id`)}
      ) x))
  FROM (SELECT ${scopeCampaign(db)} AS campaign_id) s)`

/**
 * Sets the organization of one segment the caller's campaign owns: the requested organization when it is
 * one of the caller's organizations of that campaign, else the campaign's default one (its `win`
 * organization, else the newest active office's). Repeatable: a second run writes nothing. The row is not
 * touched when the caller does not own the segment's campaign, and `updated_at` is left alone (the link
 * is the proxy's bookkeeping, not an edit of the segment).
 * @example await assignFilterOrganization(tx, { userId: 7, filterId: 42, requested: orgId })
 */
export async function assignFilterOrganization(
  db: Db,
  a: { userId: number; filterId: number; requested?: string | undefined },
): Promise<{ organizationId: string | null; changed: boolean }> {
  const [row] = await db<{ organization_id: string | null; changed: boolean }[]>`
    WITH f AS (
      SELECT f.id, f.campaign_id, f.organization_id FROM voter_file_filter f
      JOIN campaign c ON c.id = f.campaign_id
      WHERE f.id = ${a.filterId} AND c.user_id = ${a.userId}
      FOR UPDATE OF f
    ), target AS (
      SELECT so.id FROM f
      JOIN organization so ON so.owner_id = ${a.userId}
      LEFT JOIN campaign c ON c.organization_id = so.id AND c.id = f.campaign_id
      LEFT JOIN elected_office e ON e.organization_id = so.id AND ${db.unsafe(officeCampaignId('e'))} = f.campaign_id
      WHERE c.id IS NOT NULL OR e.id IS NOT NULL
      ORDER BY coalesce(so.id = ${a.requested ?? null}::uuid, false) DESC, (c.id IS NOT NULL) DESC,
        e."isActive" DESC NULLS LAST, e.created_at DESC NULLS LAST, so.id
      LIMIT 1
    ), upd AS (
      UPDATE voter_file_filter v SET organization_id = target.id FROM target, f
      WHERE v.id = f.id AND v.organization_id IS DISTINCT FROM target.id
      RETURNING v.id
    )
    SELECT coalesce((SELECT id FROM target), (SELECT organization_id FROM f))::text AS organization_id,
      EXISTS (SELECT 1 FROM upd) AS changed`
  return { organizationId: row?.organization_id ?? null, changed: row?.changed ?? false }
}
