// The plan's @UseOrganization() guard and @ReqOrganization() decorator as Hono middleware: the caller is
// verified, the organization the request acts on is loaded with its owner check, and both are set as
// typed context variables (`c.get('user')`, `c.get('organization')`) for the handler behind it.
import type { Context, MiddlewareHandler } from 'hono'
import type { Sql } from '../db/index.js'
import type { WriteBindings } from '../routes/types.js'
import { callerId, requestedOrganization, unauthorized } from './caller.js'
import { refuse, RefusalError, type Refusal } from './problems.js'
import { resolveOrganization, type CallerUser, type Include, type Organization, type OrganizationKind } from './resolve.js'

/** Context variables set by `useOrganization`. */
export type OrganizationVariables<T = null> = { user: CallerUser; organization: Organization<T> }
export type OrganizationEnv<T = null> = { Variables: OrganizationVariables<T> }

/** Context variables set by `authenticate`. */
export type UserVariables = { user: CallerUser }
export type UserEnv = { Variables: UserVariables }

export type UseOrganizationOptions = {
  sql: Sql
  /** gp-api's AUTH_SECRET. */
  authSecret: string
  /** Kinds the route acts on (default both). */
  kinds?: readonly OrganizationKind[]
  /**
   * Where the request names its organization: the X-Organization-Id header (default), or a path
   * parameter (`{ param: 'id' }`, for /v1/organizations/:id: never a default then).
   */
  from?: 'header' | { param: string }
  /**
   * Whether the caller's default organization stands in when the header is absent or names one of
   * theirs of another kind (default true for the header, false for a path parameter).
   */
  fallback?: boolean
  /** Only a campaign's or an active office's organization applies (a past term gives way to the default). */
  activeOnly?: boolean
  /** The refusal when no organization applies (gp-api's own message for the route, e.g. 'Campaign not found'). */
  none: Pick<Refusal, 'message' | 'detail'>
  /** Loaded with the organization, in the same statement (see Include). */
  include?: Include
}

/**
 * The database the guard reads through: the shadow of a write passes its transaction as `env.db`, and the
 * guard must see what that transaction already did (legacy's write undone) and never wait on it (on the
 * embedded database a second connection would deadlock behind the open transaction).
 */
const dbOf = (c: Context, sql: Sql) => (c.env as WriteBindings | undefined)?.db ?? sql

/** One answer for "not yours" and "does not exist", so a probe learns nothing about other users. */
const ORGANIZATION_NOT_FOUND: Refusal = {
  status: 404,
  message: 'Organization not found',
  detail: 'no organization of yours has this id',
}

/**
 * Admin and sales get no way through here: gp-api lets them act on other users' campaigns only through
 * `slug` in some write bodies (phase 1 resolves those targets the legacy way), never on a read.
 * @example
 * app.get('/v1/campaigns/mine', useOrganization({ sql, authSecret, kinds: ['win'], none }), (c) => c.json(c.get('organization')))
 */
export function useOrganization<T = null>({ sql, authSecret, kinds = ['win', 'serve'], from = 'header', fallback, activeOnly, none, include }: UseOrganizationOptions): MiddlewareHandler<OrganizationEnv<T>> {
  const useDefault = fallback ?? from === 'header'
  return async function organizationGuard(c, next) {
    try {
      const userId = callerId(c.req.header('authorization'), c.req.header('cookie'), authSecret)
      const requested = from === 'header'
        ? requestedOrganization(c.req.header('x-organization-id'))
        : requestedOrganization(c.req.param(from.param) ?? '', 'the organization id')
      const r = await resolveOrganization<T>(dbOf(c, sql), { userId, requested, kinds, fallback: useDefault, activeOnly, include, request: c.req })
      if (!r.user) throw unauthorized('the token names no user')
      if (requested !== undefined && r.requestedKind === null) throw new RefusalError(ORGANIZATION_NOT_FOUND)
      if (!r.organization) throw new RefusalError({ status: 404, ...none })
      c.set('user', r.user)
      c.set('organization', r.organization)
    } catch (err) {
      if (err instanceof RefusalError) return refuse(err.refusal)
      throw err
    }
    await next()
  }
}

/**
 * Only the caller (for routes about the user rather than one organization, such as the switcher's list).
 * @example app.get('/v1/organizations', authenticate({ sql, authSecret }), (c) => c.json({ id: c.get('user').id }))
 */
export function authenticate({ sql, authSecret }: { sql: Sql; authSecret: string }): MiddlewareHandler<UserEnv> {
  return async function callerGuard(c, next) {
    try {
      const userId = callerId(c.req.header('authorization'), c.req.header('cookie'), authSecret)
      const [user] = await dbOf(c, sql)<CallerUser[]>`SELECT id, coalesce(roles, '{}') AS roles FROM "user" WHERE id = ${userId}`
      if (!user) throw unauthorized('the token names no user')
      c.set('user', user)
    } catch (err) {
      if (err instanceof RefusalError) return refuse(err.refusal)
      throw err
    }
    await next()
  }
}
