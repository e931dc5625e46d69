// The proxy in front of the legacy stand-in, both on loopback over one test database, with the phase 1
// route table and every flag live: the end-to-end setting of the dual-write tests (wired as
// src/system wires the engine, with the real outbox and directory).
import { Hono } from 'hono'
import { request } from 'undici'
import { signJwt } from '../../src/auth/jwt.js'
import type { DualWriteOutbox, EngineFlags } from '../../src/engine/index.js'
import { createRoutingContext } from '../../src/engine/routing-context.js'
import { startLegacyServer } from '../../src/legacy/index.js'
import { createOrganizationDirectory } from '../../src/organizations/index.js'
import { createOutbox } from '../../src/outbox/index.js'
import { routeTable } from '../../src/routes/index.js'
import type { Stage } from '../../src/routes/types.js'
import { startEngineProxy } from '../helpers/proxy.js'
import type { Phase1Database } from './harness.js'

export const SECRET = 'phase1-test-secret-0123456789'

export type ProxyHarness = {
  url: string
  legacyUrl: string
  /** Stage of every phase 1 and 2 flag (default 'live'); phase 3's stay off (they take the writes over). */
  stage: { value: Stage }
  /** Outbox items enqueued by the engine in this harness (route ids), besides the durable rows. */
  enqueued: string[]
  call(userId: number, method: string, path: string, body?: unknown, via?: 'proxy' | 'legacy'): Promise<{ status: number; json: any; headers: Record<string, unknown> }>
  close(): Promise<void>
}

/** @example const proxy = await startProxyHarness(db, { dualWriteDeadlineMs: 3000 }) */
export async function startProxyHarness(db: Phase1Database, opts: { dualWriteDeadlineMs?: number } = {}): Promise<ProxyHarness> {
  const legacy = await startLegacyServer({ sql: db.sql, authSecret: SECRET, onError: () => {} })
  const stage = { value: 'live' as Stage }
  const flags: EngineFlags = { stage: (flag) => (flag === 'org.writes' || flag === 'org.new-campaign' ? 'off' : stage.value), killSwitch: () => false }
  const enqueued: string[] = []
  const durable = createOutbox(db.sql)
  const outbox: DualWriteOutbox = {
    enqueue: async (route, input, error) => {
      enqueued.push(route)
      await durable.enqueue(route, input, error)
    },
  }
  const proxy = await startEngineProxy({
    upstreamUrl: legacy.url, routes: routeTable({ sql: db.sql, authSecret: SECRET }), flags, newApp: new Hono(), sql: db.sql, outbox,
    routing: createRoutingContext({ secret: SECRET, directory: createOrganizationDirectory(db.sql) }),
    options: { dualWriteDeadlineMs: opts.dualWriteDeadlineMs ?? 5000 },
  })
  const url = proxy.url
  return {
    url,
    legacyUrl: legacy.url,
    stage,
    enqueued,
    async call(userId, method, path, body, via = 'proxy') {
      const token = signJwt({ sub: userId, email: `u${userId}@example.org` }, SECRET)
      const res = await request((via === 'proxy' ? url : legacy.url) + path, {
        method: method as 'GET',
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await res.body.text()
      return { status: res.statusCode, json: text ? JSON.parse(text) : null, headers: res.headers }
    },
    async close() {
      await proxy.close()
      await legacy.close()
    },
  }
}
