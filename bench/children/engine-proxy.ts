// The migration engine under test in its own process: real flag source on a temp flags dir, real routing context, counting recorder.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import type { Handler } from 'hono'
import { createApp } from '../../src/app/index.js'
import { signJwt } from '../../src/auth/jwt.js'
import { benchCompare, TYPICAL_RULES, typicalPair } from '../../src/compare/bench.js'
import { createEngine, DEFAULT_ENGINE_OPTIONS } from '../../src/engine/index.js'
import { loadConfig } from '../../src/config/index.js'
import { createRoutingContext, type OrganizationDirectory } from '../../src/engine/routing-context.js'
import { createFlagSource, type Stage } from '../../src/flags/index.js'
import { createLogger } from '../../src/ops/logger.js'
import { createMetrics } from '../../src/ops/metrics.js'
import { createPassThrough } from '../../src/passthrough/index.js'
import type { OutcomeRecord, Recorder } from '../../src/recording/index.js'
import type { RouteEntry } from '../../src/routes/types.js'
import { createProxyServer } from '../../src/server/index.js'
import { createNewApp } from '../../src/system/new-app.js'
import { createUpstream } from '../../src/upstream/index.js'
import { serveParent } from '../lib/child-ipc.js'

// Wired as src/system wires production (and test/engine/engine.test.ts over loopback), with three stand-ins that
// keep the database out: the organization directory is a Map, the recorder counts outcomes, and the new handler of
// GET /v1/campaigns/mine waits BENCH_NEW_DELAY_MS on a timer (I/O, not CPU) and answers the typical pair's
// candidate. Everything else is the real thing: route table, flag source (unleash-client on a temp copy of flags/),
// routing context (JWT verify + TTL cache), pass-through, tee, compare, redaction, metrics, per-request logs.

const upstreamUrl = process.env.BENCH_UPSTREAM_URL
if (!upstreamUrl) throw new Error('BENCH_UPSTREAM_URL is required')
const NEW_DELAY_MS = Number(process.env.BENCH_NEW_DELAY_MS ?? 20)

const ROUTE_PATH = '/v1/campaigns/mine'
const ROUTE_ID = 'campaigns.mine.read'
const FLAG = 'org.reads'
const SECRET = 'bench-jwt-secret-0123456789abcdef'
const USERS = 1000

const log = createLogger(process.env.LOG_LEVEL ?? 'info')
const metrics = createMetrics({ defaultMetrics: true })

// --- flags: a temp copy of flags/ whose org.reads the parent switches between rounds ----------------------------
const flagsDir = mkdtempSync(join(tmpdir(), 'org-proxy-bench-flags-'))
cpSync(fileURLToPath(new URL('../../flags/', import.meta.url)), flagsDir, { recursive: true })
const readsFile = join(flagsDir, `${FLAG}.json`)
const readsTemplate = JSON.parse(readFileSync(readsFile, 'utf8')) as { environments: { name: string }[] }

/** org.reads in production as the real file shapes it (live rollout first, then shadow), at one stage for everyone. */
function writeStage(stage: Stage): void {
  const strategy = (variant: 'live' | 'shadow', rollout: number) => ({
    name: 'flexibleRollout',
    title: `${variant}: bench`,
    parameters: { rollout: String(rollout), stickiness: 'organizationId', groupId: FLAG },
    constraints: [],
    variants: [{ name: variant, weight: 1000, weightType: 'variable', stickiness: 'organizationId' }],
  })
  const production = { name: 'production', enabled: stage !== 'off', strategies: [strategy('live', stage === 'live' ? 100 : 0), strategy('shadow', 100)] }
  const file = { ...readsTemplate, environments: [...readsTemplate.environments.filter((e) => e.name !== 'production'), production] }
  writeFileSync(readsFile, JSON.stringify(file, null, 2))
}
writeStage('off')
const flags = createFlagSource({ flagsDir, environment: 'production', watch: false, onEvent: (e) => metrics.flagEvents.labels(e.type).inc() })
await flags.ready

// --- routing: real context over an in-memory directory, 1000 users each with their default organization ----------
const orgOf = (userId: number) => `0190b000-0000-7000-8000-${String(userId).padStart(12, '0')}`
const directory: OrganizationDirectory = {
  defaultOrganizationId: async (userId) => orgOf(userId),
  owns: async () => true,
}
const routing = createRoutingContext({ secret: SECRET, directory })
const tokens = Array.from({ length: USERS }, (_, i) => signJwt({ sub: i + 1, email: `user${i + 1}@example.org` }, SECRET))

// --- recorder: counts outcomes by origin, outcome and skip cause ---------------------------------------------------
const outcomes: Record<string, number> = {}
const recorder: Recorder = {
  record(r: OutcomeRecord) {
    const key = `${r.origin}:${r.outcome}${r.skip_cause ? `:${r.skip_cause}` : ''}`
    outcomes[key] = (outcomes[key] ?? 0) + 1
  },
  flush: async () => {},
  prune: async () => 0,
  close: async () => {},
}

// --- the route table: the real one, GET /v1/campaigns/mine's handler swapped for the timer stand-in -----------------
const pair = typicalPair()
if (!('body' in pair.candidate)) throw new Error('typicalPair() has no candidate body')
const CANDIDATE = pair.candidate.body as object
const slowHandler: Handler = async (c) => {
  await sleep(NEW_DELAY_MS)
  return c.json(CANDIDATE)
}
const benchEntry: RouteEntry = {
  id: ROUTE_ID, phase: 2, method: 'GET', path: ROUTE_PATH, flag: FLAG, kind: 'read',
  summary: 'bench stand-in: waits on a timer, answers the typical candidate', handler: slowHandler, compare: TYPICAL_RULES, fallback: true,
}
let tableNote = 'the real route table'
let routes: RouteEntry[]
try {
  // The real table only builds closures over its deps: no query runs unless one of its handlers is called.
  const { routeTable } = await import('../../src/routes/index.js')
  const real = routeTable({ sql: null as never, authSecret: SECRET })
  const i = real.findIndex((r) => r.method === 'GET' && r.path === ROUTE_PATH)
  if (i === -1) real.push(benchEntry)
  else real[i] = benchEntry
  routes = real
} catch (err) {
  tableNote = `the bench route alone (the real table did not load: ${(err as Error).message})`
  routes = [benchEntry]
}

const upstream = createUpstream({ url: upstreamUrl, connections: Number(process.env.LEGACY_CONNECTIONS ?? 128), timeoutMs: 30_000 })
const forward = createPassThrough({ upstream, metrics, log })
const engine = createEngine({
  routes,
  flags,
  forward,
  upstream,
  newApp: createNewApp(routes, log),
  routing,
  recorder,
  metrics,
  log,
  sql: null as never,
  options: { ...DEFAULT_ENGINE_OPTIONS, shadowMaxLoopUtilization: loadConfig({}).SHADOW_MAX_LOOP_UTILIZATION, redactSecret: 'bench-redact-secret-0123456789' },
})
const app = createApp({ config: { ADMIN_TOKEN: 'bench:admin-token-0123456789' }, metrics, log, readiness: async () => null })
const proxy = createProxyServer({ forward, app, log, metrics, claim: engine.claim })

// --- micro-benchmarks -------------------------------------------------------------------------------------------------
function cpuUs(): number {
  const { user, system } = process.cpuUsage()
  return user + system
}

/** µs of CPU per call: median of 10 rounds after a warm-up round (CPU time, since other processes share the cores). */
async function timed(iterations: number, body: (i: number) => unknown): Promise<number> {
  const rounds = 10
  const per = Math.max(1, Math.ceil(iterations / rounds))
  let sink = 0
  const run = async (n: number, offset: number) => {
    for (let i = 0; i < n; i++) {
      let r = body(offset + i)
      if (r instanceof Promise) r = await r
      if (r) sink++
    }
  }
  await run(Math.min(per, 2000), 0)
  const times: number[] = []
  for (let r = 0; r < rounds; r++) {
    const start = cpuUs()
    await run(per, r * per)
    times.push((cpuUs() - start) / per)
  }
  if (sink < 0) throw new Error('unreachable')
  return times.sort((a, b) => a - b)[rounds >> 1]!
}

const fakeRequests = tokens.map((t) => ({ method: 'GET', url: ROUTE_PATH, headers: { authorization: `Bearer ${t}` } }) as unknown as IncomingMessage)

/** The routing decision of handle(): claim (table lookup), kill switch, routing context, stage; and its parts. */
async function decision(iterations: number) {
  // Fill the routing cache for every user first: the figure is the cached case, as in steady traffic.
  for (const req of fakeRequests) await routing(req)
  const stickiness = (ctx: { organizationId?: string; userId?: number }) => {
    const s: { organizationId?: string; userId?: string } = {}
    if (ctx.organizationId) s.organizationId = ctx.organizationId
    if (ctx.userId !== undefined) s.userId = String(ctx.userId)
    return s
  }
  const contexts = await Promise.all(fakeRequests.map((r) => routing(r)))
  const claimHit = await timed(iterations * 5, () => engine.claim('GET', ROUTE_PATH))
  const claimMiss = await timed(iterations * 5, () => engine.claim('GET', '/v1/campaigns/mine/ai/chat'))
  const routingCtx = await timed(iterations, (i) => routing(fakeRequests[i % USERS]!))
  const flagStage = await timed(iterations, (i) => !flags.killSwitch() && flags.stage(FLAG, stickiness(contexts[i % USERS]!)))
  const whole = await timed(iterations, async (i) => {
    if (!engine.claim('GET', ROUTE_PATH)) return false
    if (flags.killSwitch()) return false
    const ctx = await routing(fakeRequests[i % USERS]!)
    return flags.stage(FLAG, stickiness(ctx))
  })
  return { claimHit, claimMiss, routingCtx, flagStage, whole, stage: flags.stage(FLAG, stickiness(contexts[0]!)) }
}

// --- IPC ------------------------------------------------------------------------------------------------------------
async function skippedMetric(): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const v of (await metrics.shadowSkipped.get()).values) {
    if (v.labels.route === ROUTE_ID) out[String(v.labels.cause)] = v.value
  }
  return out
}

const parent = serveParent({
  sampleRss: true,
  handlers: {
    async stage(arg) {
      const stage = arg as Stage
      writeStage(stage)
      await flags.refresh()
      const seen = flags.stage(FLAG, { organizationId: orgOf(1), userId: '1' })
      if (seen !== stage) throw new Error(`asked for ${stage}, the flag source says ${seen} (${JSON.stringify(flags.status().lastError ?? null)})`)
      return { stage, version: flags.status().version }
    },
    async counts() {
      const s = engine.stats()[ROUTE_ID]
      return { outcomes: { ...outcomes }, stages: s?.stages ?? null, shadowInFlight: s?.shadowInFlight ?? 0, skipped: await skippedMetric() }
    },
    decision: (arg) => decision(Number((arg as { iterations?: number } | undefined)?.iterations ?? 20_000)),
    compare: () => benchCompare(),
  },
  onStop: async () => {
    await proxy.shutdown(500)
    await upstream.close()
    await flags.close()
    rmSync(flagsDir, { recursive: true, force: true })
    log.flush()
  },
})
const address = await proxy.listen(0, '127.0.0.1')
parent.ready({ url: `http://127.0.0.1:${address.port}`, path: ROUTE_PATH, route: ROUTE_ID, token: tokens[0]!, table: tableNote, routes: routes.length, newDelayMs: NEW_DELAY_MS })
