// The one statement that answers "who is calling, and which of their organizations does this request act
// on": the user row, the requested organization loaded only together with its owner check, the caller's
// default organization, and (optionally) what the route reads about the chosen one: one round trip.
import type postgres from 'postgres'
import { FIELD_COLUMNS, fieldSelectSql, type OrganizationFields, type OrganizationKind } from '../organizations/index.js'

/** The one `sql`, or a transaction: resolution also runs inside dual writes. */
export type Db = postgres.ISql

export type { OrganizationKind }

/** The caller as the handlers see them. `roles` decides nothing here: reads never act on others. */
export type CallerUser = { id: number; roles: string[] }

/** The organization a request acts on (the plan's `@ReqOrganization()`). */
export type Organization<T = unknown> = {
  id: string
  kind: OrganizationKind
  ownerId: number
  /** The campaign a `win` organization belongs to (null for `serve`). */
  campaignId: number | null
  /** The elected office a `serve` organization belongs to (null for `win`). */
  electedOfficeId: string | null
  /** Whether that office is the active one (null for `win`). */
  officeActive: boolean | null
  /** The BR + L2 columns, in the mapping's shape (dates `YYYY-MM-DD`). */
  fields: OrganizationFields
  /** Named by the request (header or path), or the caller's default. */
  via: 'request' | 'default'
  /** What the route's `include` loaded in the same statement (null without one). */
  included: T
}

/** What an include may read of the request (a path id, say); a RefusalError it throws ends the request. */
export type IncludeRequest = { param(name: string): string | undefined }

/**
 * A JSON expression over the chosen organization, aliased `o`, evaluated in the resolving statement
 * (e.g. the campaign row of a `win` organization). It sees only `o`: the owner check is already done.
 */
export type Include = (db: Db, req: IncludeRequest) => postgres.Fragment

export type ResolveInput = {
  userId: number
  /** A validated, lower-cased organization id the request names. */
  requested?: string | undefined
  /** Kinds this route acts on; a requested organization of another kind is not chosen. */
  kinds: readonly OrganizationKind[]
  /**
   * Without a usable requested organization, take the caller's default: their campaign's organization
   * (newest), else their active office's, among `kinds`.
   */
  fallback: boolean
  /**
   * Only a campaign's organization or an active office's may be chosen, requested or not (a past term
   * named in the header then gives way to the default, like an organization of another kind).
   */
  activeOnly?: boolean | undefined
  include?: Include | undefined
  /** The request the include reads from. */
  request?: IncludeRequest | undefined
}

export type Resolution<T> = {
  /** null: the token names no user (gp-api answers 401 then). */
  user: CallerUser | null
  /** The kind of the requested organization when the caller owns it; null when not theirs or absent. */
  requestedKind: OrganizationKind | null
  organization: Organization<T> | null
}

const NO_REQUEST: IncludeRequest = { param: () => undefined }

type Row = OrganizationFields & {
  user_id: number
  roles: string[] | null
  requested_kind: OrganizationKind | null
  id: string | null
  kind: OrganizationKind | null
  owner_id: number | null
  by_request: boolean | null
  campaign_id: number | null
  office_id: string | null
  office_active: boolean | null
  included: unknown
}

/**
 * @example
 * const r = await resolveOrganization(sql, { userId: 7, requested, kinds: ['win'], fallback: true })
 * if (requested && !r.requestedKind) return notFound() // someone else's, or no such organization
 */
export async function resolveOrganization<T = null>(db: Db, input: ResolveInput): Promise<Resolution<T>> {
  const requested = input.requested ?? null
  const kinds = [...input.kinds]
  // Every organization is read through `mine`, which holds only the caller's: the owner check is in the
  // same statement as the lookup, so an id that is not theirs is indistinguishable from one that is not.
  const [row] = await db<Row[]>`
    WITH mine AS (
      SELECT o.id, o.kind, c.id AS campaign_id, c.created_at AS campaign_at,
        e.id AS office_id, e."isActive" AS office_active, e.created_at AS office_at
      FROM organization o
      LEFT JOIN campaign c ON c.organization_id = o.id
      LEFT JOIN elected_office e ON e.organization_id = o.id
      WHERE o.owner_id = ${input.userId}
    ), chosen AS (
      SELECT mine.*, coalesce(mine.id = ${requested}::uuid, false) AS by_request FROM mine
      WHERE mine.kind = ANY(${kinds}::text[])
        AND (mine.id = ${requested}::uuid OR ${input.fallback})
        AND (mine.campaign_id IS NOT NULL OR mine.office_active OR (mine.id = ${requested}::uuid AND NOT ${input.activeOnly ?? false}))
      ORDER BY by_request DESC, (mine.campaign_id IS NOT NULL) DESC, mine.campaign_at DESC NULLS LAST, mine.campaign_id DESC NULLS LAST,
        mine.office_at DESC NULLS LAST, mine.office_id DESC NULLS LAST
      LIMIT 1
    )
    SELECT u.id AS user_id, u.roles,
      (SELECT kind FROM mine WHERE mine.id = ${requested}::uuid) AS requested_kind,
      o.id::text AS id, o.kind, o.owner_id, ch.by_request, ch.campaign_id, ch.office_id::text AS office_id, ch.office_active,
      ${db.unsafe(fieldSelectSql('o'))},
      ${input.include ? input.include(db, input.request ?? NO_REQUEST) : db`NULL::json`} AS included
    FROM "user" u
    LEFT JOIN chosen ch ON true
    LEFT JOIN organization o ON o.id = ch.id
    WHERE u.id = ${input.userId}`
  if (!row) return { user: null, requestedKind: null, organization: null }
  const user: CallerUser = { id: row.user_id, roles: row.roles ?? [] }
  return { user, requestedKind: row.requested_kind, organization: row.id ? toOrganization<T>(row) : null }
}

function toOrganization<T>(row: Row): Organization<T> {
  return {
    id: row.id!,
    kind: row.kind!,
    ownerId: row.owner_id!,
    campaignId: row.campaign_id,
    electedOfficeId: row.office_id,
    officeActive: row.kind === 'serve' ? (row.office_active ?? false) : null,
    fields: Object.fromEntries(FIELD_COLUMNS.map((c) => [c, row[c]])) as OrganizationFields,
    via: row.by_request ? 'request' : 'default',
    included: (row.included ?? null) as T,
  }
}
