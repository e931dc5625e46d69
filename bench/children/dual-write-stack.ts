// Issue #4's bench child: the legacy stand-in and the proxy (engine, phase 1 route table, real outbox and
// directory) over one PostgreSQL database; the parent switches org.dual-write between off and live.
import { Writable } from 'node:stream'
import { Hono } from 'hono'
import { createApp } from '../../src/app/index.js'
import { createEngine, DEFAULT_ENGINE_OPTIONS, type EngineFlags } from '../../src/engine/index.js'
import { createRoutingContext } from '../../src/engine/routing-context.js'
import { startLegacyServer } from '../../src/legacy/index.js'
import { createLogger } from '../../src/ops/logger.js'
import { createMetrics } from '../../src/ops/metrics.js'
import { createOrganizationDirectory } from '../../src/organizations/index.js'
import { createOutbox } from '../../src/outbox/index.js'
import { createPassThrough } from '../../src/passthrough/index.js'
import type { Recorder } from '../../src/recording/index.js'
import { routeTable } from '../../src/routes/index.js'
import type { Stage } from '../../src/routes/types.js'
import { createProxyServer } from '../../src/server/index.js'
import { createUpstream } from '../../src/upstream/index.js'
import postgres from 'postgres'
import { serveParent } from '../lib/child-ipc.js'

const url = process.env.BENCH_DATABASE_URL
const secret = process.env.BENCH_AUTH_SECRET
if (!url || !secret) throw new Error('BENCH_DATABASE_URL and BENCH_AUTH_SECRET are required')

const sql = postgres(url, { max: 20, onnotice: () => {} })
const log = createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() }))
const metrics = createMetrics({ defaultMetrics: false })
const legacy = await startLegacyServer({ sql, authSecret: secret, onError: () => {} })
const upstream = createUpstream({ url: legacy.url, connections: 32, timeoutMs: 10_000 })
const forward = createPassThrough({ upstream, metrics, log })
let stage: Stage = 'off'
const flags: EngineFlags = { stage: () => stage, killSwitch: () => false }
const recorder: Recorder = { record: () => {}, flush: async () => {}, prune: async () => 0, close: async () => {} }
const engine = createEngine({
  routes: routeTable({ sql, authSecret: secret }),
  flags,
  forward,
  upstream,
  newApp: new Hono(),
  recorder,
  metrics,
  log,
  sql,
  outbox: createOutbox(sql),
  routing: createRoutingContext({ secret, directory: createOrganizationDirectory(sql) }),
  options: { ...DEFAULT_ENGINE_OPTIONS, redactSecret: 'bench-redact-secret-0123456789' },
})
const app = createApp({ config: { ADMIN_TOKEN: undefined }, metrics, log, readiness: async () => null })
const server = createProxyServer({ forward, app, log, metrics, claim: engine.claim })
const address = await server.listen(0, '127.0.0.1')

const parent = serveParent({
  handlers: {
    stage: (arg) => {
      stage = arg as Stage
      return stage
    },
  },
  onStop: async () => {
    await server.shutdown(500)
    await upstream.close()
    await legacy.close()
    await sql.end({ timeout: 5 })
  },
})
parent.ready({ url: `http://127.0.0.1:${address.port}` })
