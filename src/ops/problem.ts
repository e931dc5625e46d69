// RFC 9457 problem details: every error the proxy itself answers has this one shape.
import type { ServerResponse } from 'node:http'

export const PROBLEM_TYPE = 'application/problem+json'

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
