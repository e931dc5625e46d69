// POST /v1/organizations (flag org.new-campaign): a user who serves or served starts a new campaign. The
// HTTP side of it: the caller verified, the Idempotency-Key and the body checked, the transaction's
// outcome turned into an answer (201, a replay of the stored one, or a problem+json refusal).
import type { Context, Handler } from 'hono'
import type { Sql } from '../db/index.js'
import { authenticate, refuse, type UserEnv } from '../org-context/index.js'
import { problemResponse, REASON_PHRASES } from '../ops/problem.js'
import { parseNewCampaign, type FieldError } from './body.js'
import { createNewCampaign, type NewCampaignOutcome } from './create.js'
import { idempotencyKeyOf, requestHash } from './idempotency.js'

export type NewCampaignDeps = {
  sql: Sql
  /** gp-api's AUTH_SECRET. */
  authSecret: string
  /** How long a request waits for a concurrent one holding its key before answering 409 (default 5 s). */
  keyWaitMs?: number
}

/**
 * The route table's middleware and handler.
 * @example const r = newCampaignRoute({ sql, authSecret }); app.post('/v1/organizations', ...r.middleware, r.handler)
 */
export function newCampaignRoute(deps: NewCampaignDeps) {
  const handler: Handler<UserEnv> = async function startNewCampaign(c) {
    const key = idempotencyKeyOf(c.req.header('idempotency-key'))
    if (!key.ok) return refuse({ status: 400, message: 'Idempotency-Key required', detail: key.detail })
    const raw = await readJson(c)
    if (!raw.ok) return refuse({ status: 400, message: 'Invalid body', detail: raw.detail })
    const parsed = parseNewCampaign(raw.value)
    if (!parsed.ok) return invalidFields(parsed.errors)
    const request = { userId: c.get('user').id, key: key.key, requestHash: requestHash(raw.value), input: parsed.input }
    const outcome = await createNewCampaign(deps.sql, request, { keyWaitMs: deps.keyWaitMs })
    return answer(outcome)
  }
  return { middleware: [authenticate(deps)], handler }
}

function answer(o: NewCampaignOutcome): Response {
  switch (o.kind) {
    case 'created':
      return json(o.status, o.body, o.organizationId, {})
    case 'replayed':
      // Draft IETF httpapi-idempotency-key-header / Stripe: tell the client this answer is a replay.
      return json(o.status, o.body, o.organizationId, { 'idempotent-replayed': 'true' })
    case 'key-reused':
      return refuse({ status: 422, message: 'Idempotency-Key reused', detail: 'this Idempotency-Key was already used with a different request body; use a new key for a new request' })
    case 'not-serving':
      return refuse({ status: 403, message: 'Only a user who serves or has served can start a new campaign', detail: 'you hold no elected office, now or before; start your first campaign with POST /v1/campaigns' })
    case 'key-busy':
      return refuse({ status: 409, message: 'Request in progress', detail: 'another request with this Idempotency-Key is still being processed; retry in a moment', headers: { 'retry-after': '1' } })
  }
}

function json(status: number, body: string, organizationId: string | null, headers: Record<string, string>): Response {
  return new Response(body, {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...(organizationId ? { location: `/v1/organizations/${organizationId}` } : {}),
      ...headers,
    },
  })
}

type Json = { ok: true; value: unknown } | { ok: false; detail: string }

async function readJson(c: Context): Promise<Json> {
  if (!/^application\/([a-z0-9.+-]*\+)?json\b/i.test(c.req.header('content-type') ?? '')) {
    return { ok: false, detail: 'the body must be JSON, sent with Content-Type: application/json' }
  }
  const text = await c.req.text()
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false, detail: 'the body is not valid JSON' }
  }
}

function invalidFields(errors: FieldError[]): Response {
  return problemResponse({
    title: REASON_PHRASES[400],
    status: 400,
    detail: `invalid field${errors.length === 1 ? '' : 's'}: ${errors.map((e) => e.field).join(', ')}`,
    // NestJS ValidationPipe's shape, which the web app already reads, beside the RFC 9457 members.
    statusCode: 400,
    message: errors.map((e) => `${e.field}: ${e.message}`),
    error: REASON_PHRASES[400],
    errors,
  })
}

