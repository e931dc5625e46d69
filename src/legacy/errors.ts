// NestJS's error answers ({ statusCode, message, error? }), so clients and shadow diffs see exactly
// what gp-api's exception filter would have written.
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { REASON_PHRASES } from '../ops/problem.js'

/** The JSON body NestJS writes for an HttpException. */
export type NestErrorBody = { statusCode: number; message: string | string[]; error?: string }

/** Thrown by handlers (also inside sql.begin, which then rolls back) and written by `nestOnError`. */
export class HttpError extends Error {
  constructor(readonly body: NestErrorBody) {
    super(Array.isArray(body.message) ? body.message.join('; ') : body.message)
    this.name = 'HttpError'
  }
}

/**
 * `new XxxException(message)`: the status, the message and the reason phrase as `error`.
 * @example throw nestError(404, 'Campaign not found')
 */
export function nestError(status: 400 | 403 | 404 | 409, message: string | string[]): HttpError {
  return new HttpError({ statusCode: status, message, error: REASON_PHRASES[status] })
}

/** Guards that refuse without a message answer exactly this (AuthGuard). */
export const unauthorized = (): HttpError => new HttpError({ statusCode: 401, message: 'Unauthorized' })

/** RolesGuard's refusal: NestJS's default ForbiddenException text. */
export const forbidden = (): HttpError => nestError(403, 'Forbidden resource')

/** Writes JSON as Express's res.json does (same content type), used for every JSON answer. */
export function sendJson(c: Context, status: ContentfulStatusCode, body: unknown): Response {
  return c.body(JSON.stringify(body), status, { 'content-type': 'application/json; charset=utf-8' })
}

/**
 * app.onError: HttpErrors as thrown; anything else is reported and answered with NestJS's opaque 500.
 * @example app.onError(nestOnError((err) => log.error(err)))
 */
export function nestOnError(report: (err: Error) => void) {
  return function legacyOnError(err: Error, c: Context): Response {
    if (err instanceof HttpError) return sendJson(c, err.body.statusCode as ContentfulStatusCode, err.body)
    report(err)
    return sendJson(c, 500, { statusCode: 500, message: 'Internal server error' })
  }
}

/** app.notFound: Express's router miss as NestJS reports it (method and original URL with query). */
export function nestNotFound(c: Context): Response {
  const url = new URL(c.req.url)
  return sendJson(c, 404, {
    statusCode: 404,
    message: `Cannot ${c.req.method} ${url.pathname}${url.search}`,
    error: 'Not Found',
  })
}
