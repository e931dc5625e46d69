// Who is calling and which organization they name, from the request alone (no database): the JWT checked
// the way gp-api checks it, and X-Organization-Id checked for shape before anything looks it up.
import { tokenFrom, userIdOf, verifyJwt } from '../auth/jwt.js'
import { ORGANIZATION_ID } from '../engine/routing-context.js'
import { RefusalError } from './problems.js'

const INT4_MAX = 2147483647

/**
 * The user id of a valid token (HS256 only: `alg: none`, a forged signature, an expired or malformed
 * token, or a `sub` that can name no user all throw a 401 refusal).
 * @example const userId = callerId(c.req.header('authorization'), c.req.header('cookie'), secret)
 */
export function callerId(authorization: string | undefined, cookie: string | undefined, secret: string): number {
  const token = tokenFrom(authorization, cookie)
  if (!token) throw unauthorized('a bearer token (or the token cookie) is required')
  const verified = verifyJwt(token, secret)
  if (!verified.ok) throw unauthorized(`the token was refused (${verified.reason})`)
  const id = userIdOf(verified.claims)
  // Out of int4 range can name no user; asking PostgreSQL would only raise an overflow error.
  if (id === null || id > INT4_MAX) throw unauthorized('the token names no user')
  return id
}

/**
 * The organization id a request names, lower-cased; undefined when the header is absent. Anything that
 * is not a UUID is refused (400) before any lookup, so no other value ever reaches a query.
 * @example const requested = requestedOrganization(c.req.header('x-organization-id'))
 */
export function requestedOrganization(header: string | undefined, what = 'X-Organization-Id'): string | undefined {
  if (header === undefined) return undefined
  if (!ORGANIZATION_ID.test(header)) {
    throw new RefusalError({ status: 400, message: `${what} must be a UUID`, detail: `${what} must be an organization id (a UUID)` })
  }
  return header.toLowerCase()
}

export function unauthorized(detail: string): RefusalError {
  return new RefusalError({ status: 401, message: 'Unauthorized', detail })
}
