// The composition root: builds every part from the config and starts it, in one place, and stops it
// in the reverse order. Both `npm start` and the end-to-end tests use it.
import { createHmac, randomBytes } from 'node:crypto'
import type { Config } from '../config/index.js'
import { mountAdmin } from '../admin/index.js'
import { createApp } from '../app/index.js'
import { openDatabase, type Database } from '../db/index.js'
import { applyLegacyBaseline, migrateProxy } from '../db/migrate.js'
import { createEngine, DEFAULT_ENGINE_OPTIONS, type EngineOptions } from '../engine/index.js'
import { createRoutingContext } from '../engine/routing-context.js'
import { createFlagSource, type FlagSource } from '../flags/index.js'
import { startLegacyServer } from '../legacy/index.js'
import { createLogger, type Logger } from '../ops/logger.js'
import { createMetrics, type Metrics } from '../ops/metrics.js'
import { databaseReadiness } from '../ops/readiness.js'
import { createOrganizationDirectory } from '../organizations/directory.js'
import { retiredBy } from '../organizations/retired.js'
import { createOutbox, PHASE1_OUTBOX_HANDLERS, startOutboxWorker } from '../outbox/index.js'
import { PHASE2_OUTBOX_HANDLERS } from '../voter-filters/index.js'
import { PHASE3_OUTBOX_HANDLERS } from '../org-writes/index.js'
import { startReconciler } from '../reconcile/index.js'
import { createPassThrough } from '../passthrough/index.js'
import { createReplayer, createTriageRules } from '../review/index.js'
import { createRecorder } from '../recording/index.js'
import { routeTable } from '../routes/index.js'
import type { RouteEntry } from '../routes/types.js'
import { LEGACY_TABLES, seed } from '../seed/index.js'
import { createProxyServer } from '../server/index.js'
import { createUpstream } from '../upstream/index.js'
import { createNewApp } from './new-app.js'

export type System = {
  /** The proxy's own URL (loopback address when bound to all interfaces). */
  url: string
  port: number
  /** The legacy API in use: LEGACY_URL, or the stand-in's loopback URL in the demo. */
  legacyUrl: string
  demo: boolean
  db: Database
  log: Logger
  metrics: Metrics
  flags: FlagSource
  routes: RouteEntry[]
  authSecret: string
  adminToken: string
  /** Rows the demo seeded at start (null when it seeded nothing). */
  seeded: Record<string, number> | null
  stop(): Promise<void>
}

export type SystemOptions = {
  log?: Logger
  /** Demo only: how many users the embedded data set has (default 300). */
  demoUsers?: number
  /** Engine tuning (tests shorten deadlines). */
  engine?: Partial<EngineOptions>
  /** Background jobs: outbox worker and periodic reconcile (default on). */
  workers?: boolean
  /** How long routing remembers a user's organizations (default 30 s; tests that backfill mid-run shorten it). */
  routingCacheMs?: number
}

/** @example const system = await startSystem(loadConfig(process.env)) */
export async function startSystem(config: Config, opts: SystemOptions = {}): Promise<System> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL)
  const demo = !config.LEGACY_URL
  // The demo invents its secrets; a real deployment must give both (the config insists).
  const authSecret = config.AUTH_SECRET ?? randomBytes(24).toString('base64url')
  const adminToken = config.ADMIN_TOKEN ?? `admin:${randomBytes(18).toString('base64url')}`
  const stack: (() => Promise<void>)[] = []
  const stop = async () => {
    for (const fn of stack.reverse()) await fn().catch((err) => log.error({ err }, 'shutdown step failed'))
    stack.length = 0
  }
  try {
    const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, max: 20, logger: log })
    stack.push(() => db.close())
    const sql = db.sql

    // An embedded database is never a real legacy one, and the demo runs the stand-in on whatever
    // database it was given: both get the gp-api baseline. A real legacy database never does.
    if (db.embedded || demo) await applyLegacyBaseline(sql)
    let migrated = false
    if (config.MIGRATE_ON_START) {
      const summary = await migrateProxy(sql)
      log.info({ applied: summary.applied.map((a) => a.name) }, 'migrations applied')
    }
    migrated = true

    let seeded: Record<string, number> | null = null
    if (demo) {
      const [row] = await sql<{ n: number }[]>`select count(*)::int as n from "user"`
      if (row!.n === 0) {
        const result = await seed(sql, { users: opts.demoUsers ?? 300 })
        seeded = result.counts as unknown as Record<string, number>
        log.info({ counts: seeded }, 'demo data seeded')
      }
    }
    void LEGACY_TABLES

    let legacyUrl = config.LEGACY_URL
    if (!legacyUrl) {
      const standIn = await startLegacyServer({ sql, authSecret, onError: (err) => log.error({ err }, 'legacy stand-in error') })
      stack.push(() => standIn.close())
      legacyUrl = standIn.url
    }

    const metrics = createMetrics()
    const flags = createFlagSource({
      flagsDir: config.FLAGS_DIR,
      environment: config.UNLEASH_ENVIRONMENT,
      ...(config.UNLEASH_URL && config.UNLEASH_API_TOKEN
        ? { unleash: { url: config.UNLEASH_URL, apiToken: config.UNLEASH_API_TOKEN, refreshMs: config.UNLEASH_REFRESH_MS } }
        : {}),
      onEvent: (e) => metrics.flagEvents.labels(e.type).inc(),
      log,
    })
    stack.push(() => flags.close())
    await flags.ready

    const upstream = createUpstream({ url: legacyUrl, connections: config.LEGACY_CONNECTIONS, timeoutMs: config.LEGACY_TIMEOUT_MS })
    stack.push(() => upstream.close())
    const forward = createPassThrough({ upstream, metrics, log })
    const routes = routeTable({ sql, authSecret })
    const newApp = createNewApp(routes, log)
    const recorder = createRecorder({ sql, metrics, log })
    stack.push(() => recorder.close())
    // One handler per dual-write route: a retried item is redone from the current legacy rows.
    const outboxHandlers = { ...PHASE1_OUTBOX_HANDLERS, ...PHASE2_OUTBOX_HANDLERS, ...PHASE3_OUTBOX_HANDLERS }
    const outbox = createOutbox(sql, { handlers: outboxHandlers })
    // Triage marks ("expected, because …") become comparison rules of later comparisons.
    const triage = createTriageRules(sql, { onError: (err) => log.warn({ err }, 'triage rules reload failed') })
    await triage.refresh()
    triage.start()
    stack.push(async () => triage.stop())
    const engine = createEngine({
      triage,
      routes,
      flags,
      forward,
      upstream,
      newApp,
      recorder,
      metrics,
      log,
      sql,
      outbox,
      legacyRetired: async () => (await retiredBy(sql)).length > 0,
      routing: createRoutingContext({
        secret: authSecret,
        directory: createOrganizationDirectory(sql),
        ...(opts.routingCacheMs !== undefined ? { ttlMs: opts.routingCacheMs } : {}),
        onError: (err) => {
          metrics.secondary('routing', 'directory-failed')
          log.warn({ err }, 'organization lookup for routing failed; stage sticks on the user id')
        },
      }),
      options: { ...DEFAULT_ENGINE_OPTIONS, shadowMaxLoopUtilization: config.SHADOW_MAX_LOOP_UTILIZATION, ...opts.engine, redactSecret: deriveSecret(authSecret, 'org-proxy/redaction') },
    })

    const replayer = createReplayer({ sql, engine, routes, authSecret, onError: (err) => log.error({ err }, 'replay failed') })
    replayer.start()
    stack.push(() => replayer.stop())
    const app = createApp({
      config: { ADMIN_TOKEN: adminToken },
      metrics,
      log,
      readiness: databaseReadiness(sql, () => migrated),
      admin: (admin) => mountAdmin(admin, { sql, engine, routes, flags, log, replayer, triage }),
    })
    const server = createProxyServer({ forward, app, log, metrics, claim: engine.claim })
    const address = await server.listen(config.PORT, config.HOST)
    stack.push(async () => {
      const r = await server.shutdown(config.SHUTDOWN_GRACE_MS)
      log.info(r, 'server drained')
    })

    if (opts.workers !== false) {
      const worker = startOutboxWorker({ sql, log, metrics, handlers: outboxHandlers })
      stack.push(() => worker.stop())
      const reconciler = startReconciler({ sql, log, metrics })
      stack.push(() => reconciler.stop())
    }

    const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST
    return {
      url: `http://${host}:${address.port}`,
      port: address.port,
      legacyUrl,
      demo,
      db,
      log,
      metrics,
      flags,
      routes,
      authSecret,
      adminToken,
      seeded,
      stop,
    }
  } catch (err) {
    await stop()
    throw err
  }
}

/** A secret of its own for each use, derived from AUTH_SECRET so replicas agree without more config. */
function deriveSecret(secret: string, purpose: string): string {
  return createHmac('sha256', secret).update(purpose).digest('base64url')
}
