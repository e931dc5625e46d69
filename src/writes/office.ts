// POST /v1/elected-office answered by the proxy (flag org.writes): the "I won" office is created with its
// own `serve` organization, which starts as a copy of the position and district (and the segments) of the
// caller's `win` organization, and the two are linked, in one transaction. The office names no campaign (phase 3 drops
// elected_office.campaign_id); gp-api's validation and answers are kept.
import type { Handler } from 'hono'
import type { z } from 'zod'
import type { Sql, TransactionSql } from '../db/index.js'
import { DATE_FORMAT } from '../legacy/db.js'
import { electedOfficeCreateBody } from '../legacy/elected-office.js'
import { sendJson } from '../legacy/errors.js'
import { uuidv7 } from '../legacy/uuid.js'
import { FIELD_LIST_SQL, FIELD_SPECS } from '../organizations/index.js'
import { authenticate, requestedOrganization, resolveOrganization, RefusalError, type Refusal, type UserEnv } from '../org-context/index.js'
import type { WriteEnv } from '../routes/types.js'
import { refusalOf, validBody } from './answers.js'
import { officeCreateRules } from './rules.js'
import { officeCreateShadow, type OfficeKeys } from './office-shadow.js'
import { inTransaction, recordWrote, writeDb } from './transaction.js'

type Deps = { sql: Sql; authSecret: string }

/** gp-api's POST answer: these keys only, dates `YYYY-MM-DD`. */
export type CreatedOffice = { id: string; electedDate: string; swornInDate: string | null; termStartDate: string | null; termEndDate: string | null }

const NO_CAMPAIGN: Refusal = {
  status: 403,
  message: 'User has no campaign',
  detail: 'an office is won by a campaign: none of your organizations is a campaign',
}
const ALREADY_ACTIVE: Refusal = {
  status: 409,
  message: 'User already has an active elected office',
  detail: 'you already hold an active office: end its term before adding another',
}
const ORGANIZATION_NOT_FOUND: Refusal = { status: 404, message: 'Organization not found', detail: 'no organization of yours has this id' }

/** @example { ...officeCreateRoute({ sql, authSecret }), kind: 'write', path: '/v1/elected-office' } */
export function officeCreateRoute(deps: Deps) {
  const handler: Handler<UserEnv & WriteEnv> = async function createElectedOffice(c) {
    try {
      const requested = requestedOrganization(c.req.header('x-organization-id'))
      const body = await validBody(c, electedOfficeCreateBody)
      const created = await inTransaction(writeDb(c, deps.sql), (tx) => createOffice(tx, c.get('user').id, requested, body))
      recordWrote(c, { officeId: created.id } satisfies OfficeKeys)
      return sendJson(c, 201, created)
    } catch (err) {
      // The partial unique index is the last word when another office became active meanwhile.
      if ((err as { code?: string }).code === '23505') return refusalOf(new RefusalError(ALREADY_ACTIVE))
      return refusalOf(err)
    }
  }
  return { middleware: [authenticate(deps)], handler, writeShadow: officeCreateShadow, compare: officeCreateRules() }
}

const copiedFields = FIELD_SPECS.map((f) => `w.${f.column}`).join(', ')

type OfficeBody = z.output<typeof electedOfficeCreateBody>

async function createOffice(tx: TransactionSql, userId: number, requested: string | undefined, body: OfficeBody): Promise<CreatedOffice> {
  // The header may name one of the caller's campaigns (after "New Campaign" a user can have several);
  // without it, or naming an office, their newest campaign is the one that won.
  const r = await resolveOrganization(tx, { userId, requested, kinds: ['win'], fallback: true, activeOnly: true })
  if (!r.user) throw new RefusalError({ status: 401, message: 'Unauthorized', detail: 'the token names no user' })
  if (requested !== undefined && r.requestedKind === null) throw new RefusalError(ORGANIZATION_NOT_FOUND)
  const win = r.organization
  if (!win || win.campaignId === null) throw new RefusalError(NO_CAMPAIGN)
  // The same rows gp-api locks: two "I won" clicks (through either API) run one after the other, and
  // the second sees the first office.
  const campaigns = await tx<{ id: number }[]>`SELECT id FROM campaign WHERE user_id = ${userId} ORDER BY id FOR UPDATE`
  if (!campaigns.some((c) => c.id === win.campaignId)) throw new RefusalError(NO_CAMPAIGN)
  const [active] = await tx`SELECT 1 FROM elected_office WHERE user_id = ${userId} AND "isActive" LIMIT 1`
  if (active) throw new RefusalError(ALREADY_ACTIVE)
  // legacy_synced_at is the office's updated_at as phase 1's reconcile computes it for an office without
  // a campaign: otherwise reconcile would find the organization stale and map it from no campaign (empty).
  const [row] = await tx<(CreatedOffice & { organizationId: string })[]>`
    WITH stamp AS (SELECT (now() AT TIME ZONE 'UTC')::timestamp(3) AS at),
    serve AS (
      INSERT INTO organization (owner_id, kind, ${tx.unsafe(FIELD_LIST_SQL)}, legacy_synced_at, proxy_owned)
      SELECT ${userId}, 'serve', ${tx.unsafe(copiedFields)}, (SELECT at FROM stamp) AT TIME ZONE 'UTC', true
      FROM organization w WHERE w.id = ${win.id}::uuid AND w.owner_id = ${userId}
      RETURNING id
    )
    INSERT INTO elected_office (id, "electedDate", "swornInDate", "termStartDate", "termEndDate",
      "termLengthDays", "isActive", user_id, organization_id, created_at, updated_at)
    SELECT ${uuidv7()}::uuid, ${body.electedDate}::date, ${body.swornInDate ?? null}::date,
      ${body.termStartDate ?? null}::date, ${body.termEndDate ?? null}::date,
      ${body.termLengthDays ?? null}::int, ${body.isActive ?? true}, ${userId},
      serve.id, stamp.at, stamp.at
    FROM serve, stamp
    RETURNING id::text, organization_id::text AS "organizationId",
      to_char("electedDate", ${DATE_FORMAT}) AS "electedDate",
      to_char("swornInDate", ${DATE_FORMAT}) AS "swornInDate",
      to_char("termStartDate", ${DATE_FORMAT}) AS "termStartDate",
      to_char("termEndDate", ${DATE_FORMAT}) AS "termEndDate"`
  if (!row) throw new RefusalError(NO_CAMPAIGN)
  const { organizationId, ...created } = row
  await copySegments(tx, win.id, organizationId)
  return created
}

/**
 * gp-api shows a new office holder their campaign's segments (it lists them by campaign). A serve
 * organization made here has no campaign to share them through, so it starts with copies of the ones
 * its campaign's organization holds, as the elected-office-campaign-id step gives every other one.
 * Every column is copied as it is (whatever columns the table has by now) but the id, the organization
 * and campaign_id while it exists: gp-api must not list a copy beside its original.
 */
async function copySegments(tx: TransactionSql, winOrganization: string, serveOrganization: string): Promise<void> {
  await tx`
    INSERT INTO voter_file_filter
    SELECT r.* FROM (SELECT * FROM voter_file_filter WHERE organization_id = ${winOrganization}::uuid ORDER BY id) f,
      LATERAL jsonb_populate_record(NULL::voter_file_filter, to_jsonb(f) || jsonb_build_object(
        'id', nextval(pg_get_serial_sequence('public.voter_file_filter', 'id')),
        'organization_id', ${serveOrganization}::uuid, 'campaign_id', NULL)) AS r`
}
