// Builds a pass-through proxy in front of a test upstream, on a loopback port, with logs captured; and
// the same with the migration engine behind it.
import { Writable } from 'node:stream'
import type { Hono } from 'hono'
import type { Sql } from 'postgres'
import { createEngine, DEFAULT_ENGINE_OPTIONS, type DualWriteOutbox, type EngineDeps, type EngineFlags, type EngineOptions } from '../../src/engine/index.js'
import type { Recorder } from '../../src/recording/index.js'
import type { RouteEntry } from '../../src/routes/types.js'
import { createApp } from '../../src/app/index.js'
import { createLogger } from '../../src/ops/logger.js'
import { createMetrics } from '../../src/ops/metrics.js'
import { createPassThrough } from '../../src/passthrough/index.js'
import { createProxyServer } from '../../src/server/index.js'
import { createUpstream } from '../../src/upstream/index.js'

export type TestProxy = Awaited<ReturnType<typeof startTestProxy>>

export async function startTestProxy(opts: { upstreamUrl: string; timeoutMs?: number; connections?: number }) {
  const logs: Record<string, unknown>[] = []
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line))
      cb()
    },
  })
  const log = createLogger('info', sink)
  const metrics = createMetrics({ defaultMetrics: false })
  const upstream = createUpstream({ url: opts.upstreamUrl, connections: opts.connections ?? 16, timeoutMs: opts.timeoutMs ?? 5000 })
  const app = createApp({ config: { ADMIN_TOKEN: 'test:admin-token-0123456789' }, metrics, log, readiness: async () => null })
  const proxy = createProxyServer({ forward: createPassThrough({ upstream, metrics, log }), app, log, metrics })
  const address = await proxy.listen(0, '127.0.0.1')
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    logs,
    metrics,
    proxy,
    close: async () => {
      await proxy.shutdown(100)
      await upstream.close()
    },
  }
}

/**
 * The migration engine behind the proxy server, in front of an upstream on loopback: what src/system
 * composes, with the parts a test scripts (flags, recorder, outbox, the new handlers' app) passed in.
 * @example const p = await startEngineProxy({ upstreamUrl, routes, flags, newApp, sql, routing, redactSecret })
 */
export async function startEngineProxy(opts: {
  upstreamUrl: string
  routes: RouteEntry[]
  flags: EngineFlags
  newApp: Hono
  sql: Sql
  routing: EngineDeps['routing']
  recorder?: Recorder
  outbox?: DualWriteOutbox
  options?: Partial<EngineOptions>
  timeoutMs?: number
}) {
  const log = createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() }))
  const metrics = createMetrics({ defaultMetrics: false })
  const upstream = createUpstream({ url: opts.upstreamUrl, connections: 16, timeoutMs: opts.timeoutMs ?? 10_000 })
  const forward = createPassThrough({ upstream, metrics, log })
  const recorder: Recorder = opts.recorder ?? { record: () => {}, flush: async () => {}, prune: async () => 0, close: async () => {} }
  const engine = createEngine({
    routes: opts.routes, flags: opts.flags, forward, upstream, newApp: opts.newApp, recorder, metrics, log, sql: opts.sql,
    routing: opts.routing,
    ...(opts.outbox ? { outbox: opts.outbox } : {}),
    options: { ...DEFAULT_ENGINE_OPTIONS, redactSecret: 'redact-secret-0123456789', ...opts.options },
  })
  const app = createApp({ config: { ADMIN_TOKEN: undefined }, metrics, log, readiness: async () => null })
  const server = createProxyServer({ forward, app, log, metrics, claim: engine.claim })
  const address = await server.listen(0, '127.0.0.1')
  return {
    url: `http://127.0.0.1:${address.port}`,
    engine,
    metrics,
    close: async () => {
      await server.shutdown(100)
      await upstream.close()
    },
  }
}
