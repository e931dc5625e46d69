// The refusals of the organization-backed handlers: RFC 9457 problem+json that also carries gp-api's own
// error members (statusCode, message, error), so the web app that reads `message` keeps working and a
// shadow comparison with legacy's NestJS body differs only by the problem members the rules expect.
import type { CompareRulesInput } from '../compare/index.js'
import { problemResponse, REASON_PHRASES } from '../ops/problem.js'

export type Refusal = {
  status: keyof typeof REASON_PHRASES
  /** What gp-api says for the same refusal ('Campaign not found'): the `message` member. */
  message: string
  /** For people: why, and what to do. */
  detail: string
  /** A problem type URI when the client should act on it (e.g. go pro); about:blank otherwise. */
  type?: string
  /** Response headers the refusal needs (Retry-After). */
  headers?: Record<string, string>
}

/**
 * A refusal as problem+json with gp-api's members alongside (401 has no `error`, as gp-api's guard).
 * @example return refuse({ status: 404, message: 'Campaign not found', detail: 'you have no campaign' })
 */
export function refuse(r: Refusal): Response {
  const reason = REASON_PHRASES[r.status]
  return problemResponse({
    type: r.type ?? 'about:blank',
    title: reason,
    status: r.status,
    detail: r.detail,
    statusCode: r.status,
    message: r.message,
    ...(r.status === 401 ? {} : { error: reason }),
  }, r.headers)
}

/** Thrown by code below a handler (a resolver, a query helper) to end the request with a refusal. */
export class RefusalError extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message)
    this.name = 'RefusalError'
  }
}

/** The problem type of "a win organization must be pro": the web app shows its upgrade prompt on it. */
export const PRO_REQUIRED_TYPE = 'https://goodparty.org/problems/pro-required'

/**
 * Expected differences of every organization-backed read whose legacy twin answers NestJS errors: the
 * problem members (type, title, status, detail) appear only on error bodies, at the root, as strings and
 * numbers. Success bodies of these routes have none of these keys at their root.
 */
export const PROBLEM_MEMBERS_EXPECTED: NonNullable<CompareRulesInput['expected']> = [
  { path: 'type', kind: 'extra', when: { candidate: { type: 'string' } }, reason: 'errors are answered as problem+json (RFC 9457): `type` is added' },
  { path: 'title', kind: 'extra', when: { candidate: { type: 'string' } }, reason: 'errors are answered as problem+json (RFC 9457): `title` is added' },
  { path: 'status', kind: 'extra', when: { candidate: { type: 'number' } }, reason: 'errors are answered as problem+json (RFC 9457): `status` is added' },
  { path: 'detail', kind: 'extra', when: { candidate: { type: 'string' } }, reason: 'errors are answered as problem+json (RFC 9457): `detail` is added' },
]
