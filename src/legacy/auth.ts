// gp-api's JwtAuthGuard: a Bearer token (or the `token` cookie) signed with AUTH_SECRET that names an
// existing user, else 401. Applied per route, because NestJS answers unknown routes 404 before any guard.
import type { MiddlewareHandler } from 'hono'
import { tokenFrom, userIdOf, verifyJwt } from '../auth/jwt.js'
import { unauthorized } from './errors.js'
import type { Db } from './db.js'

/** The caller as the guard loads it; `roles` decides who may target another campaign by slug. */
export type LegacyUser = { id: number; email: string; roles: string[] }

/** Context variables set by `legacyAuth`. */
export type LegacyEnv = { Variables: { user: LegacyUser } }

/** Admin and sales act on other users' campaigns where gp-api lets them (bodies with `slug`). */
export function isStaff(user: LegacyUser): boolean {
  return user.roles.includes('admin') || user.roles.includes('sales')
}

/**
 * Verifies the caller and loads their user row into `c.get('user')`.
 * @example app.get('/v1/campaigns/mine', legacyAuth({ sql, authSecret }), handler)
 */
export function legacyAuth({ sql, authSecret }: { sql: Db; authSecret: string }): MiddlewareHandler<LegacyEnv> {
  return async function legacyAuthGuard(c, next) {
    const token = tokenFrom(c.req.header('authorization'), c.req.header('cookie'))
    if (!token) throw unauthorized()
    const verified = verifyJwt(token, authSecret)
    if (!verified.ok) throw unauthorized()
    const id = userIdOf(verified.claims)
    // Out of int4 range can name no user; asking PostgreSQL would only raise an overflow error.
    if (id === null || id > 2147483647) throw unauthorized()
    const [user] = await sql<LegacyUser[]>`SELECT id, email, roles FROM "user" WHERE id = ${id}`
    if (!user) throw unauthorized()
    c.set('user', { ...user, roles: user.roles ?? [] })
    await next()
  }
}
