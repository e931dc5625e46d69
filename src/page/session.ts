// The admin guard the review page needs: the bearer token as before, plus a browser session. A browser
// signs in once through a small form (POST /_proxy/login with the admin secret) and then carries an
// HttpOnly, SameSite=Strict cookie. A form rather than `?token=` because a token in a URL ends up in
// access logs, history and Referer headers. The cookie holds no secret: it is the admin's label, an
// expiry and an HMAC keyed by that admin's secret, so rotating ADMIN_TOKEN ends every session.
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { adminLabelFor, parseAdminTokens, type AdminVariables } from '../app/admin-auth.js'
import { problemResponse } from '../ops/problem.js'
import { LoginPage } from './login.js'

export const SESSION_COOKIE = 'org_proxy_admin'
/** Where the admin sub-app is mounted (createApp fixes it). */
export const BASE = '/_proxy'

type Token = { label: string; secret: string }

/**
 * The guard of the /_proxy sub-app (same 401 for API clients).
 * @example admin.use('*', adminGuard({ token: config.ADMIN_TOKEN }))
 */
export function adminGuard(opts: { token: string | undefined; sessionTtlS?: number }): MiddlewareHandler<{ Variables: AdminVariables }> {
  const tokens = opts.token ? parseAdminTokens(opts.token) : []
  const ttl = opts.sessionTtlS ?? 12 * 3600
  return async function adminGuardMiddleware(c, next) {
    const path = c.req.path
    if (path === `${BASE}/login`) return c.req.method === 'POST' ? login(c, tokens, ttl) : loginPage(c, 200)
    if (path === `${BASE}/logout` && c.req.method === 'POST') {
      deleteCookie(c, SESSION_COOKIE, { path: BASE })
      return c.redirect(`${BASE}/login`, 303)
    }
    const bearer = adminLabelFor(c.req.header('authorization'), tokens)
    if (bearer !== null) {
      c.set('adminLabel', bearer)
      return next()
    }
    const session = verifySession(getCookie(c, SESSION_COOKIE), tokens)
    if (session !== null) {
      // SameSite=Strict already keeps other sites' forms from carrying the cookie; a foreign Origin
      // on a write is refused as well, for browsers that do not honour SameSite.
      if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && !sameOrigin(c)) {
        return problemResponse({ status: 403, title: 'Forbidden', detail: 'cross-site request refused' })
      }
      c.set('adminLabel', session)
      return next()
    }
    if (c.req.method === 'GET' && (c.req.header('accept') ?? '').includes('text/html')) return loginPage(c, 401)
    return problemResponse(
      { status: 401, title: 'Unauthorized', detail: 'the admin endpoints need Authorization: Bearer <admin token>' },
      { 'www-authenticate': 'Bearer realm="org-proxy admin"' },
    )
  }
}

async function login(c: Context, tokens: Token[], ttlS: number): Promise<Response> {
  const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>)
  const secret = typeof form.token === 'string' ? form.token.trim() : ''
  const label = secret ? adminLabelFor(`Bearer ${secret}`, tokens) : null
  if (label === null) return loginPage(c, 401, 'That admin token is not valid.')
  const token = tokens.find((t) => t.label === label && t.secret === secret)!
  const exp = Math.floor(Date.now() / 1000) + ttlS
  setCookie(c, SESSION_COOKIE, sessionValue(token, exp), {
    path: BASE,
    httpOnly: true,
    sameSite: 'Strict',
    secure: isHttps(c),
    maxAge: ttlS,
  })
  return c.redirect(safeNext(typeof form.next === 'string' ? form.next : ''), 303)
}

async function loginPage(c: Context, status: 200 | 401, error?: string): Promise<Response> {
  const next = c.req.path === `${BASE}/login` ? (c.req.query('next') ?? `${BASE}/`) : c.req.url.slice(new URL(c.req.url).origin.length)
  return await c.html(LoginPage({ next: safeNext(next), ...(error ? { error } : {}) }), status)
}

/** Only a path of this admin app: never an open redirect. */
function safeNext(next: string): string {
  return /^\/_proxy(\/[^\s\\]*)?$/.test(next) && !next.startsWith('//') ? next : `${BASE}/`
}

function sessionValue(t: Token, exp: number): string {
  const label = Buffer.from(t.label).toString('base64url')
  return `${label}.${exp}.${mac(t.secret, t.label, exp)}`
}

function mac(secret: string, label: string, exp: number): string {
  return createHmac('sha256', secret).update(`org-proxy admin session|${label}|${exp}`).digest('base64url')
}

/** The label a session cookie proves, or null (bad, expired, or its admin's secret changed). */
export function verifySession(value: string | undefined, tokens: Token[], nowS = Math.floor(Date.now() / 1000)): string | null {
  const m = /^([A-Za-z0-9_-]*)\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value ?? '')
  if (!m) return null
  const label = Buffer.from(m[1]!, 'base64url').toString('utf8')
  const exp = Number(m[2])
  if (exp <= nowS) return null
  const given = Buffer.from(m[3]!)
  let ok = false
  for (const t of tokens) {
    if (t.label !== label) continue
    const want = Buffer.from(mac(t.secret, label, exp))
    if (want.length === given.length && timingSafeEqual(want, given)) ok = true
  }
  return ok ? label : null
}

function sameOrigin(c: Context): boolean {
  const origin = c.req.header('origin')
  if (!origin) return true
  try {
    return new URL(origin).host === (c.req.header('host') ?? new URL(c.req.url).host)
  } catch {
    return false
  }
}

function isHttps(c: Context): boolean {
  return c.req.header('x-forwarded-proto') === 'https' || new URL(c.req.url).protocol === 'https:'
}
