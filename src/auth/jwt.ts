// HS256 JWTs as gp-api issues them ({ sub, email, iss: 'gp-api' }). Hand-rolled on node:crypto so
// that exactly one algorithm is accepted: a token whose header says anything but HS256 (`none`
// included) is refused before its signature is even looked at.
import { createHmac, timingSafeEqual } from 'node:crypto'

export type JwtClaims = {
  sub: number | string
  email?: string
  iss?: string
  iat?: number
  exp?: number
  [key: string]: unknown
}

export type JwtResult = { ok: true; claims: JwtClaims } | { ok: false; reason: JwtFailure }
export type JwtFailure = 'malformed' | 'algorithm' | 'signature' | 'expired' | 'not-yet-valid'

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))
const ONE_YEAR_S = 365 * 24 * 3600

function base64url(input: string | Buffer): string {
  return Buffer.from(input).toString('base64url')
}

function sign(data: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(data).digest()
}

/**
 * Signs claims the way gp-api's login does.
 * @example signJwt({ sub: 42, email: 'a@b.c' }, secret)
 */
export function signJwt(
  claims: Omit<JwtClaims, 'iat' | 'exp'> & { iat?: number; exp?: number },
  secret: string,
  nowS = Math.floor(Date.now() / 1000),
): string {
  const body = base64url(JSON.stringify({ iss: 'gp-api', iat: nowS, exp: nowS + ONE_YEAR_S, ...claims }))
  const signature = sign(`${HEADER}.${body}`, secret).toString('base64url')
  return `${HEADER}.${body}.${signature}`
}

/**
 * Verifies an HS256 token and its time claims.
 * @example const r = verifyJwt(token, secret); if (r.ok) r.claims.sub
 */
export function verifyJwt(token: string, secret: string, nowS = Math.floor(Date.now() / 1000)): JwtResult {
  const parts = token.split('.')
  if (parts.length !== 3) return { ok: false, reason: 'malformed' }
  const [h, p, s] = parts as [string, string, string]
  let header: unknown
  let claims: unknown
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'))
    claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'))
  } catch {
    return { ok: false, reason: 'malformed' }
  }
  if (!isObject(header) || !isObject(claims)) return { ok: false, reason: 'malformed' }
  if (header.alg !== 'HS256') return { ok: false, reason: 'algorithm' }
  const given = Buffer.from(s, 'base64url')
  const expected = sign(`${h}.${p}`, secret)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature' }
  if (typeof claims.exp === 'number' && nowS >= claims.exp) return { ok: false, reason: 'expired' }
  if (typeof claims.nbf === 'number' && nowS < claims.nbf) return { ok: false, reason: 'not-yet-valid' }
  const sub = claims.sub
  if (!(typeof sub === 'number' || (typeof sub === 'string' && sub !== ''))) return { ok: false, reason: 'malformed' }
  return { ok: true, claims: claims as JwtClaims }
}

/** The user id a verified token names, as gp-api reads it (`sub`, numeric). */
export function userIdOf(claims: JwtClaims): number | null {
  const id = typeof claims.sub === 'number' ? claims.sub : Number(claims.sub)
  return Number.isSafeInteger(id) && id > 0 ? id : null
}

/** Bearer token from an Authorization header, else the `token` cookie gp-api's login sets. */
export function tokenFrom(authorization: string | undefined, cookie: string | undefined): string | null {
  if (authorization) {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization)
    return m ? m[1]! : null
  }
  if (cookie) {
    for (const part of cookie.split(';')) {
      const eq = part.indexOf('=')
      if (eq > 0 && part.slice(0, eq).trim() === 'token') return decodeURIComponent(part.slice(eq + 1).trim())
    }
  }
  return null
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
