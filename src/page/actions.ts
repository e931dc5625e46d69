// The page's actions under /_proxy: triage marks (forms from the page, JSON from scripts) and replay
// (the page's button queues a run; `npm run replay` waits for its verdict). Both record who acted.
import type { Context, Hono } from 'hono'
import { z } from 'zod'
import { problemResponse } from '../ops/problem.js'
import { addMark, MARKS, TriageError } from '../review/index.js'
import type { ReviewDeps } from './mount.js'
import { BASE } from './session.js'

const triageBody = z.object({
  route: z.string().min(1).max(200),
  signature: z.string().regex(/^[0-9a-f]{12}$/, 'a signature is 12 hex digits'),
  mark: z.enum(MARKS),
  reason: z.string().max(1000).optional(),
})
const replayBody = z.object({
  route: z.string().min(1).max(200).optional(),
  signature: z.string().regex(/^[0-9a-f]{12}$/).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
})

/** @example mountActions(admin, deps, (c) => c.get('adminLabel')) */
export function mountActions(app: Hono, deps: ReviewDeps, who: (c: Context) => string): void {
  app.post('/triage', async (c) => {
    const json = isJson(c)
    const parsed = triageBody.safeParse(json ? await c.req.json().catch(() => null) : await c.req.parseBody())
    if (!parsed.success) return problemResponse({ status: 400, title: 'Bad Request', detail: z.prettifyError(parsed.error) })
    const { route, signature, mark, reason } = parsed.data
    try {
      const saved = await addMark(deps.sql, { route, signature, mark, reason: reason ?? null, by: who(c) })
      let replayRun: number | null = null
      if (mark === 'expected') await deps.triage?.refresh().catch((err) => deps.log.warn({ err }, 'triage rules refresh failed'))
      if (mark === 'fixed' && deps.replayer) {
        replayRun = await deps.replayer.enqueue({ route, signature, markId: saved.id }, who(c))
        kick(deps)
      }
      deps.log.info({ route, signature, mark, by: saved.markedBy, replayRun }, 'triage mark recorded')
      if (json) return c.json({ mark: saved, replayRun }, 201)
      return c.redirect(`${BASE}/routes/${encodeURIComponent(route)}#g-${signature}`, 303)
    } catch (err) {
      if (err instanceof TriageError) return problemResponse({ status: 400, title: 'Bad Request', detail: err.message })
      throw err
    }
  })

  app.post('/replay', async (c) => {
    const json = isJson(c)
    const parsed = replayBody.safeParse(json ? ((await c.req.json().catch(() => ({}))) ?? {}) : await c.req.parseBody())
    if (!parsed.success) return problemResponse({ status: 400, title: 'Bad Request', detail: z.prettifyError(parsed.error) })
    if (!deps.replayer) return problemResponse({ status: 503, title: 'Service Unavailable', detail: 'replay is not configured in this proxy (it needs AUTH_SECRET and the engine)' })
    const req = parsed.data
    if (req.route && !deps.routes.some((r) => r.id === req.route)) return problemResponse({ status: 404, title: 'Not Found', detail: `no route ${req.route} in the route table` })
    if (json) {
      // The CLI waits for the verdict: it is the check an operator runs after a fix.
      const report = await deps.replayer.replayNow(req, who(c))
      deps.log.info({ run: report.id, by: report.requestedBy, total: report.total, matched: report.matched }, 'replay finished')
      return c.json(report)
    }
    await deps.replayer.enqueue(req, who(c))
    kick(deps)
    return c.redirect(req.route ? `${BASE}/routes/${encodeURIComponent(req.route)}` : `${BASE}/`, 303)
  })
}

function isJson(c: Context): boolean {
  return (c.req.header('content-type') ?? '').includes('application/json')
}

/** Runs queued replays in the background; a failure is logged, the page already answered. */
function kick(deps: ReviewDeps): void {
  deps.replayer?.runQueued().catch((err) => deps.log.error({ err }, 'replay run failed'))
}
