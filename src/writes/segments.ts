// POST /v1/voters/voter-file/filter, PUT and DELETE /v1/voters/voter-file/filter/:id answered by the proxy
// (flag org.writes): segments by organization (X-Organization-Id, owner-checked, else the caller's
// default), with the plan's access rule instead of gp-api's `isPro || hasElectedOffice`: a serve
// organization always, never seeing nor setting the Political Party fields; a win organization only when
// its campaign is pro. Each write is one transaction; the answers are gp-api's plus `organizationId`.
import type { Context, Handler } from 'hono'
import type { Sql } from '../db/index.js'
import { PARTY_FIELDS } from '../domain/index.js'
import { filterCreateBody, filterUpdateBody } from '../legacy/filters.js'
import { sendJson } from '../legacy/errors.js'
import { RefusalError, useOrganization, type Organization, type OrganizationEnv } from '../org-context/index.js'
import type { WriteEnv } from '../routes/types.js'
import { filterId, includeFilter, proRequired, visibleTo, type FilterLoad } from '../voter-filters/index.js'
import { refusalOf, validBody } from './answers.js'
import { segmentCreateRules, segmentDeleteRules, segmentUpdateRules } from './rules.js'
import { deleteSegment, insertSegment, updateSegment } from './segment-sql.js'
import { segmentCreateShadow, segmentDeleteShadow, segmentUpdateShadow, type SegmentKeys } from './segment-shadow.js'
import { inTransaction, recordWrote, writeDb } from './transaction.js'

type Deps = { sql: Sql; authSecret: string }
type Env = OrganizationEnv<FilterLoad> & WriteEnv

// gp-api finds segments through the caller's campaign and says so when there is none.
const NO_CAMPAIGN = { message: 'Campaign not found', detail: 'no organization of yours applies: you have no campaign or active office' }
const FILTER_NOT_FOUND = { status: 404 as const, message: 'Voter file filter not found', detail: 'no segment with this id is visible to this organization' }

/** The guard of one route: the caller, their organization, its access and (by path id) the segment it sees. */
function guard(deps: Deps, byId: boolean) {
  // With no id, includeFilter loads only the organization's access (no segment is found for a null id).
  return useOrganization<FilterLoad>({ ...deps, none: NO_CAMPAIGN, include: (db, req) => includeFilter(db, byId ? filterId(req.param('id') ?? '') : null) })
}

/** What this organization may set: a serve organization never the party fields (left unset / unchanged). */
function writable(kind: Organization['kind'], body: Record<string, unknown>): Record<string, unknown> {
  if (kind !== 'serve') return body
  const out = { ...body }
  for (const f of PARTY_FIELDS) delete out[f]
  return out
}

/** The segment the guard found visible, with the organization it was seen in. */
function seen(org: Organization<FilterLoad>): { id: number; seenOrganization: string | null } {
  const f = org.included.filter
  if (!f) throw new RefusalError(FILTER_NOT_FOUND)
  return { id: f.id as number, seenOrganization: typeof f.organizationId === 'string' ? f.organizationId : null }
}

function wrote(c: Context<Env>, id: number): void {
  recordWrote(c, { filterId: id, as: c.get('organization').kind } satisfies SegmentKeys)
}

/** @example { ...filterCreateRoute({ sql, authSecret }), kind: 'write', path: '/v1/voters/voter-file/filter' } */
export function filterCreateRoute(deps: Deps) {
  const handler: Handler<Env> = async function createSegment(c) {
    try {
      const body = await validBody(c, filterCreateBody)
      const org = c.get('organization')
      const refused = proRequired(org)
      if (refused) return refused
      const fields = writable(org.kind, body)
      const row = await inTransaction(writeDb(c, deps.sql), (tx) => insertSegment(tx, { organizationId: org.id, userId: c.get('user').id, fields }))
      if (!row) throw new RefusalError({ status: 404, ...NO_CAMPAIGN })
      wrote(c, row.id)
      return sendJson(c, 201, visibleTo(org.kind, row))
    } catch (err) {
      return refusalOf(err)
    }
  }
  return { middleware: [guard(deps, false)], handler, writeShadow: segmentCreateShadow, compare: segmentCreateRules() }
}

export function filterUpdateRoute(deps: Deps) {
  const handler: Handler<Env> = async function updateSegmentById(c) {
    try {
      const body = await validBody(c, filterUpdateBody)
      const org = c.get('organization')
      const refused = proRequired(org)
      if (refused) return refused
      const target = seen(org)
      const fields = writable(org.kind, body)
      const row = await inTransaction(writeDb(c, deps.sql), (tx) => updateSegment(tx, { ...target, userId: c.get('user').id, fields }))
      if (!row) throw new RefusalError(FILTER_NOT_FOUND)
      wrote(c, row.id)
      return sendJson(c, 200, visibleTo(org.kind, row))
    } catch (err) {
      return refusalOf(err)
    }
  }
  return { middleware: [guard(deps, true)], handler, writeShadow: segmentUpdateShadow, compare: segmentUpdateRules() }
}

export function filterDeleteRoute(deps: Deps) {
  const handler: Handler<Env> = async function deleteSegmentById(c) {
    try {
      const org = c.get('organization')
      const refused = proRequired(org)
      if (refused) return refused
      const target = seen(org)
      const deleted = await inTransaction(writeDb(c, deps.sql), (tx) => deleteSegment(tx, { ...target, userId: c.get('user').id }))
      if (!deleted) throw new RefusalError(FILTER_NOT_FOUND)
      wrote(c, target.id)
      return c.body(null, 204)
    } catch (err) {
      return refusalOf(err)
    }
  }
  return { middleware: [guard(deps, true)], handler, writeShadow: segmentDeleteShadow, compare: segmentDeleteRules() }
}
