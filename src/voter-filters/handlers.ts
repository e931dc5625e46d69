// GET /v1/voters/voter-file/filters and GET /v1/voters/voter-file/filter/:id answered by organization
// (flag org.voter-filters): the header's organization of the caller, else their default one, with the
// plan's access rules; each read is the guard's one statement.
import type { Handler } from 'hono'
import type { Sql } from '../db/index.js'
import { sendJson } from '../legacy/errors.js'
import { refuse, RefusalError, useOrganization, type OrganizationEnv } from '../org-context/index.js'
import { proRequired, visibleTo } from './access.js'
import { includeFilter, includeFilterList, type FilterListLoad, type FilterLoad } from './sql.js'

type Deps = { sql: Sql; authSecret: string }

// gp-api looks segments up through the caller's campaign and says so when there is none.
const NO_CAMPAIGN = { message: 'Campaign not found', detail: 'no organization of yours applies: you have no campaign or active office' }
const FILTER_NOT_FOUND = { status: 404 as const, message: 'Voter file filter not found', detail: 'no segment with this id is visible to this organization' }

export function filterListRoute(deps: Deps) {
  const guard = useOrganization<FilterListLoad>({ ...deps, none: NO_CAMPAIGN, include: includeFilterList })
  const handler: Handler<OrganizationEnv<FilterListLoad>> = async function listSegments(c) {
    const org = c.get('organization')
    const refused = proRequired(org)
    if (refused) return refused
    return sendJson(c, 200, org.included.filters.map((f) => visibleTo(org.kind, f)))
  }
  return { middleware: [guard], handler }
}

export function filterRoute(deps: Deps) {
  const guard = useOrganization<FilterLoad>({
    ...deps,
    none: NO_CAMPAIGN,
    include: (db, req) => includeFilter(db, filterId(req.param('id') ?? '')),
  })
  const handler: Handler<OrganizationEnv<FilterLoad>> = async function oneSegment(c) {
    const org = c.get('organization')
    const refused = proRequired(org)
    if (refused) return refused
    if (!org.included.filter) return refuse(FILTER_NOT_FOUND)
    return sendJson(c, 200, visibleTo(org.kind, org.included.filter))
  }
  return { middleware: [guard], handler }
}

/** NestJS's ParseIntPipe, as gp-api applies it: a signed run of digits, else 400; out of int4: null. */
export function filterId(raw: string): number | null {
  if (!/^-?\d+$/.test(raw)) throw new RefusalError({ status: 400, message: 'Validation failed (numeric string is expected)', detail: 'the segment id must be a whole number' })
  const id = Number(raw)
  return id >= -2147483648 && id <= 2147483647 ? id : null
}
