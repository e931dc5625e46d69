// The Hono app of the organization-backed handlers: each route table entry with a handler is mounted at
// its legacy method and path, behind its middleware. The engine calls it for shadow and live runs.
import { Hono, type Handler } from 'hono'
import type { Logger } from '../ops/logger.js'
import { problemResponse } from '../ops/problem.js'
import type { RouteEntry } from '../routes/types.js'

/** @example const newApp = createNewApp(routes, log) */
export function createNewApp(routes: readonly RouteEntry[], log: Logger): Hono {
  const app = new Hono()
  for (const r of routes) {
    if (!r.handler) continue
    const handlers = [...(r.middleware ?? []), r.handler] as unknown as [Handler, ...Handler[]]
    app.on([r.method], [r.path], ...handlers)
  }
  app.notFound((c) => problemResponse({ status: 404, title: 'Not Found', detail: `${c.req.method} ${c.req.path}` }))
  // A 5xx from here is what the engine counts as the new handler failing (and may fall back on).
  app.onError((err, c) => {
    log.error({ err, path: c.req.path, reqId: c.req.header('x-request-id') }, 'organization-backed handler failed')
    return problemResponse({ status: 500, title: 'Internal Server Error', detail: 'the organization-backed handler failed' })
  })
  return app
}
