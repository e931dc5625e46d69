// createApp(deps): the Hono app for everything the proxy answers itself (operations, admin, and the
// organization-backed handlers). Pure: no port, no signals; the server module owns those.
import { Hono } from 'hono'
import type { Config } from '../config/index.js'
import type { Logger } from '../ops/logger.js'
import type { Metrics } from '../ops/metrics.js'
import { problemResponse } from '../ops/problem.js'
import { adminGuard } from '../page/index.js'

export type AppDeps = {
  config: Pick<Config, 'ADMIN_TOKEN'>
  metrics: Metrics
  log: Logger
  /** Null when the proxy may take traffic (migrations ran, the database answers), else why not. */
  readiness: () => Promise<string | null>
  /** Extra admin routes mounted under /_proxy (engine status, flags refresh, diff review). */
  admin?: (app: Hono) => void
  /** Routes the proxy answers itself (organization-backed handlers). */
  routes?: (app: Hono) => void
}

/** @example const app = createApp(deps); await app.request('/healthz') */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono()

  app.get('/healthz', (c) => c.json({ status: 'ok' }))

  app.get('/readyz', async (c) => {
    const reason = await deps.readiness().catch((err: Error) => err.message)
    return reason === null ? c.json({ status: 'ready' }) : c.json({ status: 'unavailable', reason }, 503)
  })

  app.get('/metrics', async (c) => {
    try {
      const body = await deps.metrics.registry.metrics()
      return c.body(body, 200, { 'content-type': deps.metrics.registry.contentType })
    } catch (err) {
      deps.metrics.secondary('metrics', 'render')
      deps.log.error({ err }, 'metrics rendering failed')
      return problemResponse({ status: 500, title: 'Internal Server Error', detail: 'metrics could not be rendered' })
    }
  })

  const admin = new Hono()
  // Bearer token for machines; a signed session cookie after the page's sign-in form for people.
  admin.use('*', adminGuard({ token: deps.config.ADMIN_TOKEN }))
  deps.admin?.(admin)
  app.route('/_proxy', admin)

  deps.routes?.(app)

  app.notFound((c) => problemResponse({ status: 404, title: 'Not Found', detail: `${c.req.method} ${c.req.path} is not a route of the proxy` }))
  app.onError((err, c) => {
    deps.log.error({ err, path: c.req.path }, 'unhandled error in a proxy handler')
    return problemResponse({ status: 500, title: 'Internal Server Error', detail: 'the proxy failed to answer this request' })
  })
  return app
}
