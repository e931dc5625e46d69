// The engine's stages end to end over loopback: a real upstream, the real pass-through and server, a
// Hono app of new handlers, and an in-memory recorder that the assertions read.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { Hono } from 'hono'
import { request } from 'undici'
import { signJwt } from '../../src/auth/jwt.js'
import type { DualWriteOutbox, EngineFlags } from '../../src/engine/index.js'
import { createRoutingContext } from '../../src/engine/routing-context.js'
import type { createMetrics } from '../../src/ops/metrics.js'
import type { OutcomeRecord, Recorder } from '../../src/recording/index.js'
import type { FlagName, RouteEntry, Stage, DualWriteInput } from '../../src/routes/types.js'
import { startEngineProxy } from '../helpers/proxy.js'
import { startUpstream, type TestUpstream } from '../helpers/upstream.js'

const SECRET = 'test-secret-0123456789abcdef'
const ORG_A = '0190a000-0000-7000-8000-00000000000a'
const token = signJwt({ sub: 7, email: 'seven@example.org' }, SECRET)
const auth = { authorization: `Bearer ${token}` }

let upstream: TestUpstream
let proxyUrl: string
let close: () => Promise<void>
const recorded: OutcomeRecord[] = []
const stages: Partial<Record<FlagName, Stage>> = {}
let kill = false
let candidate: (c: import('hono').Context) => Response | Promise<Response>
const dualWrites: DualWriteInput[] = []
const outboxed: { route: string; error: string }[] = []
let dualWriteFails = false
let metrics: ReturnType<typeof createMetrics>

const flags: EngineFlags = { stage: (flag) => stages[flag] ?? 'off', killSwitch: () => kill }
const recorder: Recorder = { record: (r) => void recorded.push(r), flush: async () => {}, prune: async () => 0, close: async () => {} }
const outbox: DualWriteOutbox = { enqueue: async (route, _input, error) => void outboxed.push({ route, error: String(error) }) }

const routes: RouteEntry[] = [
  {
    id: 'test.read', phase: 2, method: 'GET', path: '/v1/things/:id', flag: 'org.reads', kind: 'read', summary: 'a read',
    handler: (c) => candidate(c), fallback: true, shadowConcurrency: 1, deadlineMs: 300, verifyShare: 1,
    compare: { ignore: ['updatedAt'], sensitive: ['owner.email'] },
  },
  {
    id: 'test.strict', phase: 2, method: 'GET', path: '/v1/strict', flag: 'org.switcher', kind: 'read', summary: 'no fallback',
    handler: () => { throw new Error('boom') }, fallback: false,
  },
  {
    id: 'test.write', phase: 1, method: 'PUT', path: '/v1/things/:id', flag: 'org.dual-write', kind: 'dual-write', summary: 'a write',
    fallback: false,
    dualWrite: async (input) => {
      if (dualWriteFails) throw new Error('organization table locked')
      dualWrites.push(input)
      return { organizationIds: [ORG_A] }
    },
  },
]

beforeAll(async () => {
  upstream = await startUpstream()
  const newApp = new Hono()
  for (const r of routes) if (r.handler) newApp.on(r.method, r.path, r.handler)
  newApp.onError((err, c) => c.json({ status: 500, title: err.message }, 500))
  const proxy = await startEngineProxy({
    upstreamUrl: upstream.url, routes, flags, newApp, recorder, outbox, sql: null as never, timeoutMs: 2000,
    routing: createRoutingContext({ secret: SECRET, directory: { defaultOrganizationId: async () => ORG_A, owns: async () => true } }),
    options: { teeCapBytes: 64 * 1024 },
  })
  metrics = proxy.metrics
  proxyUrl = proxy.url
  close = async () => {
    await proxy.close()
    await upstream.close()
  }
})
afterAll(() => close())

const legacyThing = { id: 1, name: 'Thing', updatedAt: '2026-01-01T00:00:00Z', owner: { email: 'jane.doe@example.org' } }
beforeEach(() => {
  recorded.length = 0
  dualWrites.length = 0
  outboxed.length = 0
  dualWriteFails = false
  kill = false
  for (const k of Object.keys(stages)) delete stages[k as FlagName]
  upstream.received.length = 0
  upstream.handle((req, res) => {
    if (req.method === 'PUT') {
      const status = req.url?.includes('refused') ? 400 : 200
      res.writeHead(status, { 'content-type': 'application/json', 'set-cookie': 'a=1' })
      return res.end(JSON.stringify({ ok: status === 200 }))
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(legacyThing))
  })
  candidate = (c) => c.json({ ...legacyThing, updatedAt: '2026-02-02T00:00:00Z' })
})

async function get(path: string, headers: Record<string, string> = auth) {
  const r = await request(proxyUrl + path, { headers })
  return { status: r.statusCode, headers: r.headers, body: await r.body.text() }
}
const settle = (ms = 150) => new Promise((r) => setTimeout(r, ms))

describe('stages', () => {
  it('off: legacy answers and the new handler never runs', async () => {
    let ran = false
    candidate = (c) => ((ran = true), c.json({}))
    const r = await get('/v1/things/1')
    expect(r.headers['x-org-proxy-stage']).toBe('off')
    expect(r.headers['x-org-proxy-served-by']).toBe('legacy')
    expect(JSON.parse(r.body)).toEqual(legacyThing)
    await settle()
    expect(ran).toBe(false)
    expect(recorded).toHaveLength(0)
  })

  it('shadow: legacy answers, the new handler is compared (ignored paths do not count)', async () => {
    stages['org.reads'] = 'shadow'
    const r = await get('/v1/things/1')
    expect(r.headers['x-org-proxy-stage']).toBe('shadow')
    expect(r.headers['x-org-proxy-served-by']).toBe('legacy')
    expect(JSON.parse(r.body)).toEqual(legacyThing)
    await settle()
    expect(recorded).toHaveLength(1)
    expect(recorded[0]).toMatchObject({ route: 'test.read', origin: 'shadow', outcome: 'match', organization_id: ORG_A, user_id: 7, path: '/v1/things/1' })
  })

  it('shadow: a mismatch names its field paths, and no sensitive value is stored raw', async () => {
    stages['org.reads'] = 'shadow'
    candidate = (c) => c.json({ ...legacyThing, name: 'Other', owner: { email: 'john.roe@example.org' } })
    await get('/v1/things/1?view=full')
    await settle()
    const row = recorded[0]!
    expect(row.outcome).toBe('mismatch')
    expect(row.query).toBe('view=full')
    const stored = JSON.stringify(row)
    expect(stored).toContain('name')
    expect(stored).toContain('owner.email')
    expect(stored).not.toContain('jane.doe@example.org')
    expect(stored).not.toContain('john.roe@example.org')
  })

  it('shadow: a slow new handler times out without delaying the client', async () => {
    stages['org.reads'] = 'shadow'
    candidate = async (c) => {
      await new Promise((r) => setTimeout(r, 1000))
      return c.json(legacyThing)
    }
    const t0 = performance.now()
    const r = await get('/v1/things/1')
    expect(performance.now() - t0).toBeLessThan(250)
    expect(r.status).toBe(200)
    await settle(400)
    expect(recorded[0]).toMatchObject({ outcome: 'timeout' })
    await settle(800) // let the slow handler finish and free its slot
  })

  it('shadow: errors of the new handler are outcomes, never the client’s', async () => {
    stages['org.reads'] = 'shadow'
    candidate = () => {
      throw new Error('new side exploded')
    }
    const r = await get('/v1/things/1')
    expect(r.status).toBe(200)
    expect(JSON.parse(r.body)).toEqual(legacyThing)
    await settle()
    expect(recorded[0]).toMatchObject({ outcome: 'new-error' })
  })

  it('shadow: over the concurrency cap the shadow is skipped and counted, not queued', async () => {
    stages['org.reads'] = 'shadow'
    candidate = async (c) => {
      await new Promise((r) => setTimeout(r, 250))
      return c.json(legacyThing)
    }
    const [a, b] = await Promise.all([get('/v1/things/1'), get('/v1/things/2')])
    expect([a.status, b.status]).toEqual([200, 200])
    await settle(500)
    expect(recorded.map((r) => r.outcome).sort()).toEqual(['match', 'skipped'])
    expect(recorded.find((r) => r.outcome === 'skipped')!.skip_cause).toBe('concurrency-cap')
  })

  it('shadow: a legacy body over the tee cap skips the comparison, and the client still gets it whole', async () => {
    stages['org.reads'] = 'shadow'
    const big = JSON.stringify({ items: 'x'.repeat(100_000) })
    upstream.handle((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(big))
    const r = await get('/v1/things/1')
    expect(r.body).toBe(big)
    await settle()
    expect(recorded[0]).toMatchObject({ outcome: 'skipped', skip_cause: 'body-too-large' })
  })

  it('live: the new handler answers, and a sampled share is verified against legacy', async () => {
    stages['org.reads'] = 'live'
    const r = await get('/v1/things/1')
    expect(r.headers['x-org-proxy-stage']).toBe('live')
    expect(r.headers['x-org-proxy-served-by']).toBe('new')
    expect(JSON.parse(r.body).updatedAt).toBe('2026-02-02T00:00:00Z')
    await settle()
    expect(recorded[0]).toMatchObject({ origin: 'verify', outcome: 'match', stage: 'live' })
  })

  it('live: a failing new handler falls back to legacy and is counted', async () => {
    stages['org.reads'] = 'live'
    candidate = () => {
      throw new Error('db down')
    }
    const before = (await metrics.fallbacks.get()).values.reduce((s, v) => s + v.value, 0)
    const r = await get('/v1/things/1')
    expect(r.headers['x-org-proxy-served-by']).toBe('legacy')
    expect(JSON.parse(r.body)).toEqual(legacyThing)
    const after = (await metrics.fallbacks.get()).values.reduce((s, v) => s + v.value, 0)
    expect(after - before).toBe(1)
  })

  it('live: a route without fallback answers a problem', async () => {
    stages['org.switcher'] = 'live'
    const r = await get('/v1/strict')
    expect(r.status).toBe(500)
    expect(r.headers['content-type']).toBe('application/problem+json')
  })

  it('the kill switch sends everything to legacy whatever the flags say', async () => {
    stages['org.reads'] = 'live'
    kill = true
    const r = await get('/v1/things/1')
    expect(r.headers['x-org-proxy-stage']).toBe('off')
    expect(JSON.parse(r.body)).toEqual(legacyThing)
  })

  it('unclaimed paths pass through without stage headers', async () => {
    stages['org.reads'] = 'live'
    const r = await get('/v1/other')
    expect(r.headers['x-org-proxy-stage']).toBeUndefined()
  })
})

describe('dual writes', () => {
  const put = (path: string, body: unknown) =>
    request(proxyUrl + path, { method: 'PUT', headers: { ...auth, 'content-type': 'application/json', 'x-organization-id': ORG_A }, body: JSON.stringify(body) })

  it('runs the organization write after a 2xx legacy answer, before the client gets it', async () => {
    stages['org.dual-write'] = 'live'
    const r = await put('/v1/things/5', { slug: 'abc' })
    expect(r.statusCode).toBe(200)
    expect(r.headers['set-cookie']).toBe('a=1')
    expect(await r.body.json()).toEqual({ ok: true })
    expect(dualWrites).toHaveLength(1)
    expect(dualWrites[0]).toMatchObject({ userId: 7, organizationId: ORG_A, params: { id: '5' }, body: { slug: 'abc' }, legacy: { status: 200, json: { ok: true } } })
    await upstream.waitFor(1)
    expect(JSON.parse(upstream.received[0]!.body.toString())).toEqual({ slug: 'abc' })
  })

  it('writes nothing when legacy refused', async () => {
    stages['org.dual-write'] = 'live'
    const r = await put('/v1/things/refused', {})
    expect(r.statusCode).toBe(400)
    await r.body.dump()
    expect(dualWrites).toHaveLength(0)
  })

  it('a failed organization write goes to the outbox; the client keeps the legacy answer', async () => {
    stages['org.dual-write'] = 'live'
    dualWriteFails = true
    const r = await put('/v1/things/6', {})
    expect(r.statusCode).toBe(200)
    expect(await r.body.json()).toEqual({ ok: true })
    expect(outboxed).toEqual([{ route: 'test.write', error: 'Error: organization table locked' }])
  })

  it('flag off: the write passes through untouched', async () => {
    const r = await put('/v1/things/7', {})
    expect(r.headers['x-org-proxy-stage']).toBe('off')
    await r.body.dump()
    expect(dualWrites).toHaveLength(0)
  })
})
