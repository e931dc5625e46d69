// The noise baseline in the engine: for a sampled share of shadowed GETs legacy is asked twice and the
// two answers compared (origin 'noise'); a field that churns between two legacy answers is then
// reported as noise, while a field only the new handler gets wrong is a mismatch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Writable } from 'node:stream'
import { Hono } from 'hono'
import { request } from 'undici'
import { signJwt } from '../../src/auth/jwt.js'
import { createEngine, DEFAULT_ENGINE_OPTIONS } from '../../src/engine/index.js'
import { createRoutingContext } from '../../src/engine/routing-context.js'
import { createLogger } from '../../src/ops/logger.js'
import { createMetrics } from '../../src/ops/metrics.js'
import { createPassThrough } from '../../src/passthrough/index.js'
import { createRecorder, type Recorder } from '../../src/recording/index.js'
import { buildReport, reviewFilter } from '../../src/review/index.js'
import type { RouteEntry } from '../../src/routes/types.js'
import { createProxyServer } from '../../src/server/index.js'
import { createUpstream } from '../../src/upstream/index.js'
import type { TestDatabase } from '../helpers/db.js'
import { startUpstream, type TestUpstream } from '../helpers/upstream.js'
import { ORG } from './rows.js'
import { AUTH_SECRET, reviewDatabase } from './stack.js'

let db: TestDatabase
let upstream: TestUpstream
let recorder: Recorder
let proxyUrl: string
let close: () => Promise<void>
let tick = 0

const routes: RouteEntry[] = [
  {
    id: 'noisy.thing', phase: 2, method: 'GET', path: '/v1/things/:id', flag: 'org.reads', kind: 'read', summary: 'a read with a clock in it',
    fallback: true,
    // the new side gets `owner` wrong for every fifth thing; its clock is its own
    handler: (c) => {
      const id = Number(c.req.param('id'))
      return c.json({ id, name: `thing ${id}`, owner: id % 5 === 0 ? 'someone else' : `owner ${id}`, generatedAt: `t${++tick}` })
    },
  },
]

beforeAll(async () => {
  db = await reviewDatabase()
  upstream = await startUpstream({ record: false })
  upstream.handle((req, res) => {
    const id = Number(req.url!.split('/').pop())
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ id, name: `thing ${id}`, owner: `owner ${id}`, generatedAt: `t${++tick}` }))
  })
  const log = createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() }))
  const metrics = createMetrics({ defaultMetrics: false })
  const up = createUpstream({ url: upstream.url, connections: 8, timeoutMs: 2000 })
  const forward = createPassThrough({ upstream: up, metrics, log })
  const table = routes
  const newApp = new Hono()
  for (const r of table) newApp.on(r.method, r.path, r.handler!)
  recorder = createRecorder({ sql: db.sql, metrics, log, flushMs: 50 })
  let n = 0
  const engine = createEngine({
    routes: table, forward, upstream: up, newApp, recorder, metrics, log, sql: db.sql,
    flags: { stage: () => 'shadow', killSwitch: () => false },
    routing: createRoutingContext({ secret: AUTH_SECRET, directory: { defaultOrganizationId: async () => ORG((n++ % 40) + 1), owns: async () => true }, ttlMs: 0 }),
    options: { ...DEFAULT_ENGINE_OPTIONS, noiseShare: 0.25, redactSecret: 'noise-redact-secret-0123456789' },
  })
  const server = createProxyServer({ forward, app: new Hono(), log, metrics, claim: engine.claim })
  const addr = await server.listen(0, '127.0.0.1')
  proxyUrl = `http://127.0.0.1:${addr.port}`
  close = async () => {
    await server.shutdown(100)
    await recorder.close()
    await up.close()
    await upstream.close()
  }
})
afterAll(async () => {
  await close?.()
  await db?.close()
})

describe('noise baseline', () => {
  it('asks legacy twice for the sampled share of shadowed GETs, evenly', async () => {
    const token = signJwt({ sub: 1 }, AUTH_SECRET)
    for (let i = 1; i <= 40; i++) {
      const r = await request(`${proxyUrl}/v1/things/${i}`, { headers: { authorization: `Bearer ${token}` } })
      expect(r.statusCode).toBe(200)
      await r.body.dump()
    }
    await new Promise((r) => setTimeout(r, 300))
    await recorder.flush()
    const rows = await db.sql<{ origin: string; n: number }[]>`select origin, count(*)::int as n from org_proxy.comparison group by origin order by origin`
    expect(rows).toEqual([{ origin: 'noise', n: 10 }, { origin: 'shadow', n: 40 }])
  })

  it('reports the churning field as noise and the new side’s error as the mismatch', async () => {
    const r = (await buildReport(db.sql, reviewFilter({ since: '1h' }))).routes[0]!
    expect(r.byOrigin.noise).toMatchObject({ compared: 10, mismatch: 10 })
    expect(r.fields.map((f) => f.key)).toEqual(['owner:changed'])
    expect(r.fields[0]).toMatchObject({ raw: 8, noise: 0 })
    expect(r.noiseFields).toMatchObject([{ key: 'generatedAt:changed', raw: 40, noise: 10, verdict: 'noise' }])
    // every comparison differs in the clock; only the eight owner mistakes are real
    expect(r.mismatchRate).toBe(1)
    expect(r.adjusted.mismatches).toBe(8)
  })
})
