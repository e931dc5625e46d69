// GET /v1/elected-office/current resolved through the organization: the office of the caller's `serve`
// organization named by X-Organization-Id, else of their active office's organization, as gp-api
// serialises the row.
import type { Handler } from 'hono'
import type { Sql } from '../db/index.js'
import { electedOfficeColumns, type ElectedOfficeJson } from '../legacy/db.js'
import { sendJson } from '../legacy/errors.js'
import { refuse, useOrganization, type Include, type OrganizationEnv } from '../org-context/index.js'

const NO_ACTIVE_OFFICE = { message: 'No active elected office', detail: 'no serve organization of yours has an active elected office' }

/** The organization's office, only while it is the active one ("current", as gp-api means it), and the owner's. */
export const includeActiveOffice: Include = (db) => db`(
  SELECT to_json(x) FROM (
    SELECT ${electedOfficeColumns(db)} FROM elected_office
    WHERE organization_id = o.id AND user_id = o.owner_id AND "isActive"
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
