// Who a request is for, as the flags see it: the verified user and the organization the stage is
// sticky on (the X-Organization-Id the user owns, else the user's default organization). Cached,
// because it is asked on every request of a migrated route and the answers change rarely.
import type { IncomingMessage } from 'node:http'
import { tokenFrom, userIdOf, verifyJwt } from '../auth/jwt.js'

export type RoutingContext = {
  /** The JWT's user when its signature and times check out; undefined otherwise. */
  userId?: number
  /** The organization the stage is sticky on; undefined when the user has none. */
  organizationId?: string
  /** The X-Organization-Id the client sent, verbatim (checked or not). */
  requestedOrganizationId?: string
}

/** The two questions routing asks of the organization table. */
export interface OrganizationDirectory {
  defaultOrganizationId(userId: number): Promise<string | null>
  owns(userId: number, organizationId: string): Promise<boolean>
}

/** X-Organization-Id is a UUID; anything else is never looked up. */
export const ORGANIZATION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * @example const resolve = createRoutingContext({ secret, directory }); const ctx = await resolve(req)
 */
export function createRoutingContext(opts: {
  secret: string
  directory: OrganizationDirectory
  ttlMs?: number
  maxEntries?: number
  onError?: (err: unknown) => void
}): (req: IncomingMessage) => Promise<RoutingContext> {
  const cache = new TtlCache<string, string | null | boolean>(opts.ttlMs ?? 30_000, opts.maxEntries ?? 50_000)
  // A verified token is remembered (until its own expiry at the latest): the HMAC check was the
  // largest share of every routing decision, and the web app sends the same token again and again.
  const verifiedTokens = new TtlCache<string, { userId: number; exp: number }>(opts.ttlMs ?? 30_000, opts.maxEntries ?? 50_000)
  function userOf(token: string): number | null {
    const now = Math.floor(Date.now() / 1000)
    const hit = verifiedTokens.get(token)
    if (hit && hit.exp > now) return hit.userId
    const verified = verifyJwt(token, opts.secret, now)
    if (!verified.ok) return null
    const userId = userIdOf(verified.claims)
    if (userId !== null) verifiedTokens.set(token, { userId, exp: typeof verified.claims.exp === 'number' ? verified.claims.exp : Infinity })
    return userId
  }
  async function cached<T extends string | null | boolean>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = cache.get(key)
    if (hit !== undefined) return hit as T
    const value = await load()
    cache.set(key, value)
    return value
  }
  return async function resolveRoutingContext(req) {
    const ctx: RoutingContext = {}
    const header = req.headers['x-organization-id']
    if (typeof header === 'string') ctx.requestedOrganizationId = header
    const token = tokenFrom(req.headers.authorization, req.headers.cookie)
    if (!token) return ctx
    const userId = userOf(token)
    if (userId === null) return ctx
    ctx.userId = userId
    try {
      if (ctx.requestedOrganizationId && ORGANIZATION_ID.test(ctx.requestedOrganizationId)) {
        const orgId = ctx.requestedOrganizationId.toLowerCase()
        if (await cached(`o:${userId}:${orgId}`, () => opts.directory.owns(userId, orgId))) ctx.organizationId = orgId
        return ctx
      }
      const def = await cached(`d:${userId}`, () => opts.directory.defaultOrganizationId(userId))
      if (def) ctx.organizationId = def
    } catch (err) {
      // Routing then sticks on the user id: a database hiccup must not fail the request.
      opts.onError?.(err)
    }
    return ctx
  }
}

/** A small map with expiry and a size bound (oldest entries go first). */
export class TtlCache<K, V> {
  private readonly map = new Map<K, { value: V; expires: number }>()
  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}
  get(key: K): V | undefined {
    const e = this.map.get(key)
    if (!e) return undefined
    if (e.expires < Date.now()) {
      this.map.delete(key)
      return undefined
    }
    return e.value
  }
  set(key: K, value: V): void {
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as K)
    this.map.set(key, { value, expires: Date.now() + this.ttlMs })
  }
  clear(): void {
    this.map.clear()
  }
}
