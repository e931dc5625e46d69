// RFC 9457 problem details: every error the proxy itself answers has this one shape.
import type { ServerResponse } from 'node:http'

export const PROBLEM_TYPE = 'application/problem+json'

/** The reason phrases of the refusals answered in gp-api's words (RFC 9110 names; NestJS writes them as `error`). */
export const REASON_PHRASES: Readonly<Record<400 | 401 | 403 | 404 | 409 | 422, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  422: 'Unprocessable Content',
}

export type Problem = {
  type?: string
  title: string
  status: number
  detail?: string
  instance?: string
  requestId?: string
  [extension: string]: unknown
}

/** The JSON text of a problem, with `type` defaulting to about:blank as the RFC says. */
export function problemBody(p: Problem): string {
  return JSON.stringify({ type: 'about:blank', ...p })
}

/**
 * Writes a problem on a raw node response (the pass-through path has no Hono context).
 * @example sendProblem(res, { status: 502, title: 'Bad Gateway', detail: 'legacy API unreachable' })
 */
export function sendProblem(res: ServerResponse, p: Problem, extraHeaders: string[] = []): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  const body = problemBody(p)
  res.writeHead(p.status, [
    'content-type',
    PROBLEM_TYPE,
    'content-length',
    String(Buffer.byteLength(body)),
    'cache-control',
    'no-store',
    ...extraHeaders,
  ])
  res.end(body)
}

/** A Response carrying a problem, for Hono handlers. */
export function problemResponse(p: Problem, headers: Record<string, string> = {}): Response {
  return new Response(problemBody(p), {
    status: p.status,
    headers: { 'content-type': PROBLEM_TYPE, 'cache-control': 'no-store', ...headers },
  })
}
