// Phase 3's write stages through the real proxy, over loopback, on a real database: a route listed in
// two phases (a phase 1 dual write under a phase 3 write), a legacy API that really writes, and a new
// handler that writes on the transaction the engine gives it. The shadow's rows must never be committed.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { Hono } from 'hono'
import { request } from 'undici'
import type postgres from 'postgres'
import { signJwt } from '../../src/auth/jwt.js'
import type { EngineFlags } from '../../src/engine/index.js'
import { compileTable } from '../../src/engine/match.js'
import { createRoutingContext } from '../../src/engine/routing-context.js'
import type { OutcomeRecord, Recorder } from '../../src/recording/index.js'
import type { DualWriteInput, FlagName, RouteEntry, Stage, WriteEnv } from '../../src/routes/types.js'
import { freshDatabase, type TestDatabase } from '../helpers/db.js'
import { startEngineProxy } from '../helpers/proxy.js'
import { startUpstream, type TestUpstream } from '../helpers/upstream.js'

const SECRET = 'test-secret-0123456789abcdef'
const ORG = '0190a000-0000-7000-8000-00000000000a'
const auth = { authorization: `Bearer ${signJwt({ sub: 7, email: 'seven@example.org' }, SECRET)}`, 'content-type': 'application/json' }

let db: TestDatabase
let sql: postgres.Sql
let upstream: TestUpstream
let proxyUrl: string
let close: () => Promise<void>
const recorded: OutcomeRecord[] = []
const stages: Partial<Record<FlagName, Stage>> = {}
let kill = false
const dualWrites: DualWriteInput[] = []
/** How the new handler spells what it stores (a bug in it shows as a mismatch). */
let spell = (s: string) => s
let candidateThrows = false

const flags: EngineFlags = { stage: (flag) => stages[flag] ?? 'off', killSwitch: () => kill }
const recorder: Recorder = { record: (r) => void recorded.push(r), flush: async () => {}, prune: async () => 0, close: async () => {} }

const routes: RouteEntry[] = [
  {
    id: 'notes.dual-write', phase: 1, method: 'POST', path: '/v1/notes', flag: 'org.dual-write', kind: 'dual-write', summary: 'phase 1 follows the legacy write',
    fallback: false,
    dualWrite: async (input) => (dualWrites.push(input), { organizationIds: [ORG] }),
  },
  {
    id: 'notes.create', phase: 3, method: 'POST', path: '/v1/notes', flag: 'org.writes', kind: 'write', summary: 'phase 3 answers the write itself',
    fallback: true, deadlineMs: 1000,
    handler: async (c) => {
      const env = (c.env ?? {}) as WriteEnv['Bindings']
      const body = (await c.req.json()) as { text: string }
      if (candidateThrows) throw new Error('new handler bug')
      const [row] = await (env.db ?? sql)<{ id: number }[]>`INSERT INTO note (user_id, text) VALUES (7, ${spell(body.text)}) RETURNING id`
      env.wrote = row!.id
      return c.json({ id: row!.id, text: spell(body.text) }, 201)
    },
    writeShadow: {
      legacyWrote: (_input, legacy) => (legacy.status === 201 ? (legacy.json as { id: number }).id : null),
      undo: async (tx, _input, legacy) => {
        if (legacy.status === 201) await tx`DELETE FROM note WHERE id = ${(legacy.json as { id: number }).id}`
      },
      readBack: async (tx, id: number) => (await tx`SELECT user_id AS "userId", text FROM note WHERE id = ${id}`)[0] ?? null,
    },
    compare: { expected: [{ path: 'answer.id', kind: 'changed', reason: 'each side inserts its own row' }] },
  },
]

beforeAll(async () => {
  db = await freshDatabase()
  sql = db.sql
  await sql`CREATE TABLE note (id serial PRIMARY KEY, user_id int NOT NULL, text text NOT NULL)`
  upstream = await startUpstream()
  const newApp = new Hono<WriteEnv>()
  for (const r of routes) if (r.handler) newApp.on(r.method, r.path, r.handler)
  newApp.onError((err, c) => c.json({ status: 500, title: err.message }, 500))
  const proxy = await startEngineProxy({
    upstreamUrl: upstream.url, routes, flags, newApp: newApp as unknown as Hono, recorder, sql, timeoutMs: 2000,
    routing: createRoutingContext({ secret: SECRET, directory: { defaultOrganizationId: async () => ORG, owns: async () => true } }),
  })
  proxyUrl = proxy.url
  close = async () => {
    await proxy.close()
    await upstream.close()
    await db.close()
  }
})
afterAll(() => close())

beforeEach(async () => {
  recorded.length = 0
  dualWrites.length = 0
  kill = false
  spell = (s) => s
  candidateThrows = false
  for (const k of Object.keys(stages)) delete stages[k as FlagName]
  upstream.received.length = 0
  await sql`TRUNCATE note`
  // The legacy API: writes its row and answers it.
  upstream.handle(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const { text } = JSON.parse(Buffer.concat(chunks).toString()) as { text: string }
    const [row] = await sql<{ id: number }[]>`INSERT INTO note (user_id, text) VALUES (7, ${text}) RETURNING id`
    res.writeHead(201, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ id: row!.id, text }))
  })
})

async function post(text: string) {
  const r = await request(`${proxyUrl}/v1/notes`, { method: 'POST', headers: auth, body: JSON.stringify({ text }) })
  return { status: r.statusCode, headers: r.headers, body: JSON.parse(await r.body.text()) as { id: number; text: string } }
}
const notes = () => sql<{ id: number; text: string }[]>`SELECT id, text FROM note ORDER BY id`
async function until(check: () => boolean, ms = 3000) {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('layers of one route', () => {
  it('every flag off: legacy alone writes, nothing else runs', async () => {
    const r = await post('hello')
    expect(r.status).toBe(201)
    expect(r.headers['x-org-proxy-stage']).toBe('off')
    expect(dualWrites).toHaveLength(0)
    expect(await notes()).toHaveLength(1)
  })

  it('only the phase 1 flag on: the dual write below follows legacy', async () => {
    stages['org.dual-write'] = 'live'
    const r = await post('hello')
    expect(r.headers['x-org-proxy-served-by']).toBe('legacy')
    expect(dualWrites.map((d) => (d.legacy.json as { id: number }).id)).toEqual([r.body.id])
  })

  it('live: the new handler answers alone; legacy and the dual write below never run', async () => {
    stages['org.dual-write'] = 'live'
    stages['org.writes'] = 'live'
    spell = (s) => s.toUpperCase()
    const r = await post('hello')
    expect(r.status).toBe(201)
    expect(r.headers['x-org-proxy-served-by']).toBe('new')
    expect(r.body.text).toBe('HELLO')
    expect(upstream.received).toHaveLength(0)
    expect(dualWrites).toHaveLength(0)
    expect((await notes()).map((n) => n.text)).toEqual(['HELLO'])
  })

  it('live: a handler that threw before committing falls back to legacy', async () => {
    stages['org.writes'] = 'live'
    candidateThrows = true
    const r = await post('hello')
    expect(r.status).toBe(201)
    expect(r.headers['x-org-proxy-served-by']).toBe('legacy')
    expect((await notes()).map((n) => n.text)).toEqual(['hello'])
  })

  it('the kill switch sends the write to legacy alone, whatever the layers say', async () => {
    stages['org.dual-write'] = 'live'
    stages['org.writes'] = 'live'
    kill = true
    const r = await post('hello')
    expect(r.headers['x-org-proxy-served-by']).toBe('legacy')
    expect(dualWrites).toHaveLength(0)
  })

  it('the table refuses a method and path listed twice in one phase, or with two handlers', () => {
    const a = routes[1]!
    expect(() => compileTable([a, { ...a, id: 'again' }])).toThrow(/listed twice in phase 3/)
    expect(() => compileTable([a, { ...a, id: 'other', phase: 2 }])).toThrow(/two handlers/)
  })
})

describe('shadow of a write', () => {
  it('legacy writes and answers as before (dual write included); the new write is compared, then rolled back', async () => {
    stages['org.dual-write'] = 'live'
    stages['org.writes'] = 'shadow'
    const r = await post('hello')
    expect(r.status).toBe(201)
    expect(r.headers['x-org-proxy-stage']).toBe('shadow')
    expect(r.headers['x-org-proxy-served-by']).toBe('legacy')
    expect(dualWrites).toHaveLength(1)
    await until(() => recorded.length === 1)
    expect(recorded[0]).toMatchObject({ route: 'notes.create', origin: 'shadow', stage: 'shadow', outcome: 'expected', legacy_status: 201, new_status: 201 })
    // Only legacy's row stands: the new handler's insert went with the rollback, legacy's came back.
    expect(await notes()).toEqual([{ id: r.body.id, text: 'hello' }])
  })

  it('a new handler that would write something else is a mismatch, and still writes nothing', async () => {
    stages['org.writes'] = 'shadow'
    spell = (s) => s.toUpperCase()
    const r = await post('hello')
    expect(r.body.text).toBe('hello')
    await until(() => recorded.length === 1)
    expect(recorded[0]!.outcome).toBe('mismatch')
    const paths = (recorded[0]!.differences as { differences: { path: string }[] }).differences.map((d) => d.path)
    expect(paths).toEqual(expect.arrayContaining(['answer.text', 'wrote.text']))
    expect((await notes()).map((n) => n.text)).toEqual(['hello'])
  })

  it('a new handler that fails is recorded as its error; the client has legacy\'s answer', async () => {
    stages['org.writes'] = 'shadow'
    candidateThrows = true
    const r = await post('hello')
    expect(r.status).toBe(201)
    await until(() => recorded.length === 1)
    expect(recorded[0]!.outcome).toBe('new-error')
    expect(await notes()).toHaveLength(1)
  })

  it('a shadow that cannot get a lock gives up within its lock timeout instead of waiting on a client', async (ctx) => {
    // The embedded database runs one session: a second transaction waits for the first by design.
    if (db.embedded) return ctx.skip()
    stages['org.writes'] = 'shadow'
    // Another session holds the table: the shadow's undo must not queue behind it.
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    const other = sql.begin(async (tx) => {
      await tx`LOCK TABLE note IN SHARE MODE`
      await held
    })
    await new Promise((r) => setTimeout(r, 50))
    upstream.handle(async (_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ id: 424242, text: 'hello' }))
    })
    const started = Date.now()
    const r = await post('hello')
    expect(r.status).toBe(201)
    await until(() => recorded.length === 1)
    expect(Date.now() - started).toBeLessThan(2500)
    expect(recorded[0]!.outcome).toBe('new-error')
    release()
    await other
  })
})
