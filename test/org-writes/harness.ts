// The phase 3 key-move bench: the real engine and route table (every layer, the organization-backed app
// mounted as the system mounts it) in front of the legacy stand-in over loopback, one test database, the
// outbox with every phase's handlers, each flag's stage set by the test; and the remove-br-l2 steps
// wired to those same stages. Unlike test/organizations/proxy-harness.ts, org.writes is the test's to move.
import { Writable } from 'node:stream'
import { request } from 'undici'
import { signJwt } from '../../src/auth/jwt.js'
import { removeBrL2ConfirmStep, removeBrL2Step, runContractStep, type ContractStep, type FlagStatus } from '../../src/contract/index.js'
import type { DualWriteOutbox, Engine, EngineFlags } from '../../src/engine/index.js'
import { createRoutingContext } from '../../src/engine/routing-context.js'
import { FLAG, type FlagName, type Stage } from '../../src/flags/index.js'
import { startLegacyServer } from '../../src/legacy/index.js'
import { createLogger } from '../../src/ops/logger.js'
import { PHASE3_OUTBOX_HANDLERS } from '../../src/org-writes/index.js'
import { createOrganizationDirectory, fieldSelectSql } from '../../src/organizations/index.js'
import { createOutbox, PHASE1_OUTBOX_HANDLERS, processOutbox, type OutboxHandlers, type ProcessResult } from '../../src/outbox/index.js'
import { routeTable } from '../../src/routes/index.js'
import { createNewApp } from '../../src/system/new-app.js'
import { PHASE2_OUTBOX_HANDLERS } from '../../src/voter-filters/index.js'
import { startEngineProxy } from '../helpers/proxy.js'
import { addUser, phase1Database, type Phase1Database } from '../organizations/harness.js'

export const SECRET = 'phase3-move-secret-0123456789'
/** As src/system registers them. */
export const HANDLERS: OutboxHandlers = { ...PHASE1_OUTBOX_HANDLERS, ...PHASE2_OUTBOX_HANDLERS, ...PHASE3_OUTBOX_HANDLERS }

/** `raw`: the body's exact text, to compare an answer byte for byte. */
export type Answer = { status: number; json: any; raw: string; headers: Record<string, unknown> }

export type MoveBench = Phase1Database & {
  /** Each flag's stage for every request (the kill switch stays off). */
  stages: Record<FlagName, Stage>
  engine: Engine
  /** Route ids the engine sent to the outbox, in order (besides the durable rows). */
  enqueued: string[]
  call(userId: number, method: string, path: string, body?: unknown): Promise<Answer>
  /** The same request straight to the legacy stand-in, past the proxy. */
  legacy(userId: number, method: string, path: string, body?: unknown): Promise<Answer>
  /** A user with a campaign made through the proxy (POST /v1/campaigns), as the web app makes one. */
  member(details?: Record<string, unknown>, roles?: string[]): Promise<{ userId: number; campaignId: number; slug: string }>
  organization(campaignId: number): Promise<Record<string, any>>
  /** The campaign's details and its P2V data, as stored. */
  rows(campaignId: number): Promise<{ details: Record<string, unknown>; data: Record<string, unknown> | null; updated: string; p2vUpdated: string | null }>
  archive(campaignId: number): Promise<{ details: Record<string, unknown> | null; data: Record<string, unknown> | null }>
  /** Runs a remove-br-l2 step (or its rollback) with the flags as the bench has them and a passing gate. */
  contract(step: 'remove-br-l2' | 'remove-br-l2-confirm', action?: 'apply' | 'rollback'): Promise<Awaited<ReturnType<typeof runContractStep>>>
  drain(): Promise<ProcessResult>
  close(): Promise<void>
}

/** @example const b = await moveBench(); b.stages['org.writes'] = 'live' */
export async function moveBench(): Promise<MoveBench> {
  const db = await phase1Database()
  const legacy = await startLegacyServer({ sql: db.sql, authSecret: SECRET, onError: (err) => console.error('[legacy]', err) })
  // Phase 1 and 2 as they stand when phase 3 starts; org.writes is off until a test moves it.
  const stages: Record<FlagName, Stage> = {
    [FLAG.dualWrite]: 'live',
    [FLAG.reads]: 'live',
    [FLAG.switcher]: 'live',
    [FLAG.voterFilters]: 'live',
    [FLAG.writes]: 'off',
    [FLAG.newCampaign]: 'off',
    [FLAG.killSwitch]: 'off',
  }
  const flags: EngineFlags = { stage: (flag) => stages[flag], killSwitch: () => false }
  const enqueued: string[] = []
  const durable = createOutbox(db.sql, { handlers: HANDLERS })
  const outbox: DualWriteOutbox = {
    enqueue: async (route, input, error) => {
      enqueued.push(route)
      await durable.enqueue(route, input, error)
    },
  }
  const routes = routeTable({ sql: db.sql, authSecret: SECRET })
  const proxy = await startEngineProxy({
    upstreamUrl: legacy.url, routes, flags, newApp: createNewApp(routes, createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() }))), sql: db.sql, outbox,
    routing: createRoutingContext({ secret: SECRET, directory: createOrganizationDirectory(db.sql) }),
    options: { dualWriteDeadlineMs: 5000, verifyShare: 0 },
  })
  const { url, engine } = proxy

  // The remove-br-l2 steps read the flags as the bench has them (exact summaries, no rollout split).
  const flagStatus = async (): Promise<FlagStatus> => ({
    source: 'files',
    serving: 'files',
    killSwitch: false,
    flags: Object.fromEntries(
      Object.entries(stages).map(([f, s]) => [f, { enabled: s !== 'off', on: s === 'off' ? 0 : 100, split: { off: s === 'off' ? 100 : 0, shadow: s === 'shadow' ? 100 : 0, live: s === 'live' ? 100 : 0 }, exact: true }]),
    ),
  })
  const job = { throttle: false as const, pauseMs: 0, batchSize: 5 }
  const steps: Record<string, ContractStep> = { 'remove-br-l2': removeBrL2Step({ flagStatus, job }), 'remove-br-l2-confirm': removeBrL2ConfirmStep() }

  const ask = (base: string): MoveBench['call'] => async (userId, method, path, body) => {
    const token = signJwt({ sub: userId, email: `u${userId}@example.org` }, SECRET)
    const res = await request(base + path, {
      method: method as 'GET',
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.body.text()
    return { status: res.statusCode, json: text ? JSON.parse(text) : null, raw: text, headers: res.headers }
  }
  const call = ask(url)
  return {
    ...db,
    stages,
    engine,
    enqueued,
    call,
    legacy: ask(legacy.url),
    async member(details = {}, roles) {
      const userId = await addUser(db.sql, roles, `Candidate ${Math.random().toString(36).slice(2, 8)}`)
      const r = await call(userId, 'POST', '/v1/campaigns', { details })
      if (r.status !== 201) throw new Error(`POST /v1/campaigns answered ${r.status}: ${JSON.stringify(r.json)}`)
      return { userId, campaignId: r.json.id, slug: r.json.slug }
    },
    async organization(campaignId) {
      const [row] = await db.sql`
        SELECT o.id::text, o.owner_id, o.kind, ${db.sql.unsafe(fieldSelectSql('o'))}, o.legacy_synced_at, o.updated_at
        FROM campaign c JOIN organization o ON o.id = c.organization_id WHERE c.id = ${campaignId}`
      return row as Record<string, any>
    },
    async rows(campaignId) {
      const [row] = await db.sql<{ details: Record<string, unknown>; data: Record<string, unknown> | null; updated: string; p2v_updated: string | null }[]>`
        SELECT c.details, p.data, c.updated_at::text AS updated, p.updated_at::text AS p2v_updated
        FROM campaign c LEFT JOIN path_to_victory p ON p.campaign_id = c.id WHERE c.id = ${campaignId}`
      return { details: row!.details, data: row!.data, updated: row!.updated, p2vUpdated: row!.p2v_updated }
    },
    async archive(campaignId) {
      const [row] = await db.sql<{ details: Record<string, unknown> | null; data: Record<string, unknown> | null }[]>`
        SELECT (SELECT removed FROM org_proxy.legacy_archive WHERE table_name = 'campaign' AND column_name = 'details' AND row_id = ${String(campaignId)}) AS details,
          (SELECT a.removed FROM org_proxy.legacy_archive a JOIN path_to_victory p ON a.row_id = p.id::text
           WHERE a.table_name = 'path_to_victory' AND a.column_name = 'data' AND p.campaign_id = ${campaignId}) AS data`
      return row!
    },
    contract: (step, action = 'apply') =>
      runContractStep(db.sql, steps[step]!, { action, requireGate: async () => ({ ok: true, evidence: 'test gate: yes' }) }),
    drain: () => processOutbox(db.sql, { handlers: HANDLERS, ignoreSchedule: true }),
    async close() {
      await proxy.close()
      await legacy.close()
      await db.close()
    },
  }
}
