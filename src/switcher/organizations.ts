// GET /v1/organizations and GET /v1/organizations/:id (flag org.switcher): the caller's organizations for
// the product switcher, the default one marked. Routes gp-api does not have, so nothing to compare with.
import type { Handler } from 'hono'
import type { Sql } from '../db/index.js'
import { fieldSelectSql, type OrganizationFields, type OrganizationKind } from '../organizations/index.js'
import { authenticate, useOrganization, type Include, type OrganizationEnv, type UserEnv } from '../org-context/index.js'
import { summarize } from './present.js'

type Row = OrganizationFields & { id: string; kind: OrganizationKind; campaign_id: number | null; office_id: string | null; office_active: boolean | null; is_default: boolean }

// The default organization is the resolver's (org-context/resolve.ts): a campaign's (newest first), else
// an active office's (newest first). The same order lists them, so the default comes first.
const eligible = (c: string, e: string) => `(${c}.id IS NOT NULL OR coalesce(${e}."isActive", false))`
const defaultOrder = (o: string, c: string, e: string) =>
  `${eligible(c, e)} DESC, (${c}.id IS NOT NULL) DESC, ${c}.created_at DESC NULLS LAST, ${c}.id DESC NULLS LAST, ` +
  `${e}."isActive" DESC NULLS LAST, ${e}.created_at DESC NULLS LAST, ${e}.id DESC NULLS LAST, ${o}.id`
const ELIGIBLE = eligible('c', 'e')
const DEFAULT_ORDER = defaultOrder('o', 'c', 'e')

/** Every organization the user owns, in switcher order. */
export async function listOrganizations(sql: Sql, userId: number): Promise<ReturnType<typeof summarize>[]> {
  const rows = await sql<Row[]>`
    SELECT o.id::text, o.kind, ${sql.unsafe(fieldSelectSql('o'))}, c.id AS campaign_id, e.id::text AS office_id,
      e."isActive" AS office_active,
      ${sql.unsafe(ELIGIBLE)} AND row_number() OVER (ORDER BY ${sql.unsafe(DEFAULT_ORDER)}) = 1 AS is_default
    FROM organization o
    LEFT JOIN campaign c ON c.organization_id = o.id
    LEFT JOIN elected_office e ON e.organization_id = o.id
    WHERE o.owner_id = ${userId}
    ORDER BY ${sql.unsafe(DEFAULT_ORDER)}`
  return rows.map((r) => {
    const { id, kind, campaign_id, office_id, office_active, is_default, ...fields } = r
    return summarize({ id, kind, fields: fields as OrganizationFields, campaignId: campaign_id, electedOfficeId: office_id, officeActive: office_active, isDefault: is_default })
  })
}

/** Whether the chosen organization `o` is its owner's default (computed in the guard's statement). */
const includeIsDefault: Include = (db) => db`(
  SELECT to_json(d.id = o.id) FROM (
    SELECT o2.id FROM organization o2
    LEFT JOIN campaign c2 ON c2.organization_id = o2.id
    LEFT JOIN elected_office e2 ON e2.organization_id = o2.id
    WHERE o2.owner_id = o.owner_id AND ${db.unsafe(eligible('c2', 'e2'))}
    ORDER BY ${db.unsafe(defaultOrder('o2', 'c2', 'e2'))} LIMIT 1
  ) d)`

export function organizationsListRoute(deps: { sql: Sql; authSecret: string }) {
  const handler: Handler<UserEnv> = async function listMyOrganizations(c) {
    return c.json(await listOrganizations(deps.sql, c.get('user').id))
  }
  return { middleware: [authenticate(deps)], handler }
}

export function organizationRoute(deps: { sql: Sql; authSecret: string }) {
  const guard = useOrganization<boolean | null>({
    ...deps,
    from: { param: 'id' },
    none: { message: 'Organization not found', detail: 'no organization of yours has this id' },
    include: includeIsDefault,
  })
  const handler: Handler<OrganizationEnv<boolean | null>> = async function oneOfMyOrganizations(c) {
    const o = c.get('organization')
    return c.json(summarize({ id: o.id, kind: o.kind, fields: o.fields, campaignId: o.campaignId, electedOfficeId: o.electedOfficeId, officeActive: o.officeActive, isDefault: o.included === true }))
  }
  return { middleware: [guard], handler }
}
