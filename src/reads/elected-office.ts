// GET /v1/elected-office/current resolved through the organization: the office of the caller's `serve`
// organization named by X-Organization-Id, else of their active office's organization, as gp-api
// serialises the row.
import type { Handler } from 'hono'
import type { Sql } from '../db/index.js'
import { DATE_ISO_FORMAT, TIMESTAMP_FORMAT, type Db, type ElectedOfficeJson } from '../legacy/db.js'
import { sendJson } from '../legacy/errors.js'
import { refuse, useOrganization, type Include, type OrganizationEnv } from '../org-context/index.js'
import { officeCampaignId } from '../voter-filters/sql.js'

const NO_ACTIVE_OFFICE = { message: 'No active elected office', detail: 'no serve organization of yours has an active elected office' }

/**
 * The office row as Prisma serialises it, in table order (gp-api's key order), without naming
 * elected_office.campaign_id: phase 3 drops that column, after which `campaignId` is null (an expected
 * difference of this route's rules) instead of the read failing.
 */
const officeColumns = (db: Db) => db`
  e.id,
  to_char(e."electedDate", ${DATE_ISO_FORMAT}) AS "electedDate",
  to_char(e."swornInDate", ${DATE_ISO_FORMAT}) AS "swornInDate",
  to_char(e."termStartDate", ${DATE_ISO_FORMAT}) AS "termStartDate",
  to_char(e."termEndDate", ${DATE_ISO_FORMAT}) AS "termEndDate",
  e."termLengthDays", e."isActive",
  e.user_id AS "userId", ${db.unsafe(officeCampaignId('e'))} AS "campaignId",
  to_char(e.created_at, ${TIMESTAMP_FORMAT}) AS "createdAt",
  to_char(e.updated_at, ${TIMESTAMP_FORMAT}) AS "updatedAt"`

/** The organization's office, only while it is the active one ("current", as gp-api means it), and the owner's. */
export const includeActiveOffice: Include = (db) => db`(
  SELECT to_json(x) FROM (
    SELECT ${officeColumns(db)} FROM elected_office e
    WHERE e.organization_id = o.id AND e.user_id = o.owner_id AND e."isActive"
  ) x)`

/**
 * The header's `serve` organization when its office is the active one. A `win` organization or a past
 * term's in the header does not change the answer: the caller's active office's organization answers
 * ("current" is the office in force, as gp-api answers it whatever the web app has selected).
 */
export function currentOfficeGuard(deps: { sql: Sql; authSecret: string }) {
  return useOrganization<ElectedOfficeJson | null>({ ...deps, kinds: ['serve'], activeOnly: true, none: NO_ACTIVE_OFFICE, include: includeActiveOffice })
}

export const currentOfficeHandler: Handler<OrganizationEnv<ElectedOfficeJson | null>> = async function currentElectedOffice(c) {
  const office = c.get('organization').included
  if (!office) return refuse({ status: 404, ...NO_ACTIVE_OFFICE })
  return sendJson(c, 200, office)
}

/** The route table's middleware and handler. */
export function currentOfficeRoute(deps: { sql: Sql; authSecret: string }) {
  return { middleware: [currentOfficeGuard(deps)], handler: currentOfficeHandler }
}
