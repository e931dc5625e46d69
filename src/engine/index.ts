// The migration engine: for a request a migrated route claims, it decides the stage from the flags
// (off, shadow, live, or a dual write) and runs it. Legacy is always the safe answer: whatever fails
// on the new side is counted and recorded, and the client gets legacy's answer or its fallback.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Hono } from 'hono'
import type { Sql } from 'postgres'
import { compare, compileRules, storedComparison, type CompiledRules, type ExpectedRule } from '../compare/index.js'
import type { Logger } from '../ops/logger.js'
import type { Metrics } from '../ops/metrics.js'
import { sendProblem } from '../ops/problem.js'
import type { Forward, TeeResult } from '../passthrough/index.js'
import { requestHeaders } from '../passthrough/index.js'
import { exchangeBuffered, LegacyExchangeError, readBody, sendBuffered, type BufferedAnswer } from '../passthrough/buffered.js'
import type { Recorder, OutcomeRecord } from '../recording/index.js'
import type { FlagName, RouteEntry, Stage, DualWriteInput, DualWriteResult, WriteInput } from '../routes/types.js'
import type { RouteDispatch } from '../server/index.js'
import type { Upstream } from '../upstream/index.js'
import { compileTable, type RouteMatch } from './match.js'
import { ConcurrencyCap, runCandidate, toSide, type CandidateRequest, type Observation } from './experiment.js'
import type { RoutingContext } from './routing-context.js'
import { runWriteShadow } from './write-shadow.js'

/** What the engine asks of the flag source. */
export interface EngineFlags {
  stage(flag: FlagName, ctx: { organizationId?: string; userId?: string }): Stage
  killSwitch(): boolean
}

/**
 * Expected differences that triage added to routes (the diff review's "expected" marks). The engine
 * reads `version` per comparison and recompiles a route's rules only when it moved.
 */
export interface TriageRules {
  readonly version: number
  expectedFor(routeId: string): readonly ExpectedRule[]
}

/** Where a failed organization write goes to be retried (phase 1's outbox). */
export interface DualWriteOutbox {
  enqueue(routeId: string, input: DualWriteInput, error: unknown): Promise<void>
}

export type EngineOptions = {
  /** Deadline of a shadow run of the new handler. */
  shadowDeadlineMs: number
  /** Deadline of the new handler when it answers the client. */
  liveDeadlineMs: number
  shadowConcurrency: number
  /**
   * Shadows are skipped (cause `loop-busy`) while the event loop was busier than this share over the
   * last second or so (smoothed): a shadow costs about as much CPU as a whole proxied request, and on a saturated
   * process that CPU would come out of the clients' latency. 1 turns the check off.
   */
  shadowMaxLoopUtilization: number
  /** Legacy bodies above this are not compared (skipped, counted). */
  teeCapBytes: number
  verifyShare: number
  /** Request bodies of dual-write and write routes are read up to this; larger is refused (413). */
  bodyLimitBytes: number
  /** An organization write slower than this goes to the outbox instead of holding the client. */
  dualWriteDeadlineMs: number
  /** Secret of the keyed hashes that replace sensitive values in stored diffs. */
  redactSecret: string
  /**
   * Share of shadowed GETs whose legacy answer is fetched a second time and compared with the first
   * (origin 'noise'): the baseline that tells a field's own churn from a real mismatch (default 0.05).
   */
  noiseShare?: number
  /** How long a "legacy source retired?" answer is remembered (default 1000 ms). */
  retiredCheckMs?: number
}

export const DEFAULT_ENGINE_OPTIONS: Omit<EngineOptions, 'redactSecret'> = {
  shadowDeadlineMs: 2000,
  liveDeadlineMs: 2000,
  shadowConcurrency: 32,
  // Off by default here; the proxy sets it from SHADOW_MAX_LOOP_UTILIZATION.
  shadowMaxLoopUtilization: 1,
  teeCapBytes: 1024 * 1024,
  verifyShare: 0.01,
  bodyLimitBytes: 10 * 1024 * 1024,
  dualWriteDeadlineMs: 3000,
  noiseShare: 0.05,
}

export type EngineDeps = {
  routes: readonly RouteEntry[]
  flags: EngineFlags
  forward: Forward
  upstream: Upstream
  /** The organization-backed handlers, mounted by mountRoutes(). */
  newApp: Hono
  routing: (req: IncomingMessage) => Promise<RoutingContext>
  recorder: Recorder
  metrics: Metrics
  log: Logger
  sql: Sql
  outbox?: DualWriteOutbox
  /** Rules from triage marks, merged with each route's own (the diff review's provider). */
  triage?: TriageRules
  /**
   * True once a phase 3 cleanup step emptied the legacy rows (BR/L2 keys gone, offices without campaigns):
   * legacy is then no reference for the organization-backed answers, so live routes stop being verified
   * against it (every sample would be a mismatch, and the gates would read them as drift).
   */
  legacyRetired?: () => Promise<boolean>
  options: EngineOptions
  random?: () => number
}

export type Engine = {
  claim(method: string, path: string): RouteDispatch | null
  /** Per-route counters since start, for /_proxy/status. */
  stats(): Record<string, { stages: Record<Stage, number>; shadowInFlight: number }>
  /** Runs a stored request again on both sides and compares (replay; no client involved). */
  replay(entry: RouteEntry, req: CandidateRequest & { organizationId?: string; userId?: number }): Promise<OutcomeRecord>
}

type Prepared = {
  entry: RouteEntry
  rules: CompiledRules
  cap: ConcurrencyCap
  stages: Record<Stage, number>
  /** The route's rules merged with triage's, and the triage version they were compiled at. */
  merged: { version: number; rules: CompiledRules }
  /** Noise sampling by accumulated share: every 1/noiseShare-th shadowed GET, evenly spread. */
  noiseDebt: number
}

/** @example const engine = createEngine(deps); server = createProxyServer({ ..., claim: engine.claim }) */
export function createEngine(deps: EngineDeps): Engine {
  const { flags, forward, metrics, log, recorder, options } = deps
  const random = deps.random ?? Math.random
  const loop = loopUtilization()
  const match = compileTable(deps.routes)
  const prepared = new Map<RouteEntry, Prepared>()
  for (const entry of deps.routes) {
    if (entry.kind === 'dual-write' && !entry.dualWrite) throw new Error(`route table: ${entry.id} is a dual-write without a dualWrite function`)
    if ((entry.kind === 'read' || entry.kind === 'new' || entry.kind === 'write') && !entry.handler) throw new Error(`route table: ${entry.id} has no handler`)
    if (entry.kind === 'write' && !entry.writeShadow) throw new Error(`route table: ${entry.id} is a write without a writeShadow`)
    const rules = compileRules(entry.compare ?? {})
    prepared.set(entry, {
      entry,
      rules,
      cap: new ConcurrencyCap(entry.shadowConcurrency ?? options.shadowConcurrency),
      stages: { off: 0, shadow: 0, live: 0 },
      merged: { version: 0, rules },
      noiseDebt: 0,
    })
  }

  // Asked only by sampled verifications (off the client's path), remembered for a second.
  let retiredMemo: { at: number; value: Promise<boolean> } | null = null
  function retired(): Promise<boolean> {
    if (!deps.legacyRetired) return Promise.resolve(false)
    const now = Date.now()
    if (!retiredMemo || now - retiredMemo.at >= (options.retiredCheckMs ?? 1000)) {
      retiredMemo = {
        at: now,
        value: deps.legacyRetired().catch((err) => {
          metrics.secondary('verify', 'retired-check-failed')
          log.warn({ err }, 'could not read whether the legacy source is retired; verifying anyway')
          return false
        }),
      }
    }
    return retiredMemo.value
  }

  /** The route's rules plus the expected differences triage gave it; recompiled only when those change. */
  function rulesOf(p: Prepared): CompiledRules {
    const triage = deps.triage
    if (!triage || triage.version === p.merged.version) return p.merged.rules
    const version = triage.version
    const extra = triage.expectedFor(p.entry.id)
    try {
      const own = p.entry.compare ?? {}
      p.merged = { version, rules: extra.length ? compileRules({ ...own, expected: [...(own.expected ?? []), ...extra] }) : p.rules }
    } catch (err) {
      // A rule triage could not turn into a matcher must not stop comparisons: the route's own rules stay.
      metrics.secondary('triage', 'rules-invalid')
      log.error({ err, route: p.entry.id }, 'triage rules do not compile; comparing with the route rules only')
      p.merged = { version, rules: p.rules }
    }
    return p.merged.rules
  }

  /** Whether this shadowed GET also gets the noise baseline (legacy asked twice). */
  function takesNoise(p: Prepared): boolean {
    p.noiseDebt += options.noiseShare ?? DEFAULT_ENGINE_OPTIONS.noiseShare!
    if (p.noiseDebt < 1) return false
    p.noiseDebt -= 1
    return true
  }

  function stageHeaders(stage: Stage, servedBy: 'legacy' | 'new'): string[] {
    return ['x-org-proxy-stage', stage, 'x-org-proxy-served-by', servedBy]
  }

  function candidateRequest(req: IncomingMessage, path: string, body: Buffer | null, requestId: string): CandidateRequest {
    const headers: Record<string, string> = { 'x-request-id': requestId }
    for (const name of ['authorization', 'cookie', 'x-organization-id', 'content-type', 'accept', 'idempotency-key'] as const) {
      const v = req.headers[name]
      if (typeof v === 'string') headers[name] = v
    }
    return { method: req.method ?? 'GET', path, headers, body }
  }

  function baseRecord(p: Prepared, stage: Stage, ctx: RoutingContext, method: string, path: string, requestId: string): Omit<OutcomeRecord, 'origin' | 'outcome'> {
    const q = path.indexOf('?')
    return {
      route: p.entry.id,
      flag: p.entry.flag,
      stage,
      organization_id: ctx.organizationId ?? null,
      user_id: ctx.userId ?? null,
      method,
      path: q === -1 ? path : path.slice(0, q),
      query: q === -1 ? '' : path.slice(q + 1),
      request_id: requestId,
    }
  }

  /** Compares two observations under the route's rules and publishes the result. */
  function publish(p: Prepared, base: Omit<OutcomeRecord, 'origin' | 'outcome'>, origin: OutcomeRecord['origin'], legacy: Observation, candidate: Observation): OutcomeRecord | null {
    try {
      // A noise comparison's "candidate" is legacy again: it says nothing of the new side's latency.
      if (origin !== 'noise') {
        metrics.originLatency.labels(p.entry.id, 'legacy').observe(legacy.ms / 1000)
        metrics.originLatency.labels(p.entry.id, 'new').observe(candidate.ms / 1000)
        if (!legacy.ok) metrics.originErrors.labels(p.entry.id, 'legacy').inc()
        if (!candidate.ok) metrics.originErrors.labels(p.entry.id, 'new').inc()
      }
      const rules = rulesOf(p)
      const result = compare(toSide(legacy, base.method), toSide(candidate, base.method), rules)
      if (origin !== 'noise') metrics.comparisons.labels(p.entry.id, result.outcome).inc()
      // Only the redacted, stored form of a diff ever leaves this function.
      const stored = result.differences.length ? storedComparison(result, rules, { secret: options.redactSecret }) : null
      const row: OutcomeRecord = {
        ...base,
        origin,
        outcome: result.outcome,
        legacy_status: legacy.ok ? legacy.status : (legacy.status ?? null),
        new_status: candidate.ok ? candidate.status : (candidate.status ?? null),
        legacy_ms: legacy.ms,
        new_ms: candidate.ms,
        signature: result.signature,
        signature_keys: stored && stored.signatureKeys.length ? stored.signatureKeys : null,
        differences: stored,
        error: result.error ? `${result.error.side}:${result.error.kind}${result.error.message ? `: ${result.error.message.slice(0, 200)}` : ''}` : null,
      }
      // Noise rows are a sample already; the report needs their matches to know the noise rate.
      if (result.outcome !== 'match' || origin === 'noise' || random() < (p.entry.recordMatchShare ?? 1)) recorder.record(row)
      return row
    } catch (err) {
      metrics.secondary('shadow', 'compare-failed')
      log.error({ err, route: p.entry.id }, 'comparison failed')
      return null
    }
  }

  function skipped(p: Prepared, base: Omit<OutcomeRecord, 'origin' | 'outcome'>, cause: string): void {
    metrics.shadowSkipped.labels(p.entry.id, cause).inc()
    metrics.comparisons.labels(p.entry.id, 'skipped').inc()
    if (random() < (p.entry.recordMatchShare ?? 1)) recorder.record({ ...base, origin: 'shadow', outcome: 'skipped', skip_cause: cause })
  }

  function legacyObservation(t: TeeResult): Observation {
    if (t.ok) return { ok: true, origin: 'legacy', status: t.status, headers: null, body: t.body, ms: t.ms }
    return { ok: false, origin: 'legacy', kind: 'transport', message: t.error?.message ?? t.reason, ms: t.ms }
  }

  /**
   * Whether a shadow may run now, holding one of the route's concurrency slots if so (the caller releases
   * it when the shadow settled); a refusal is counted and recorded as skipped with its cause.
   */
  function admitShadow(p: Prepared, base: Omit<OutcomeRecord, 'origin' | 'outcome'>): boolean {
    if (options.shadowMaxLoopUtilization < 1 && loop.busy() > options.shadowMaxLoopUtilization) {
      skipped(p, base, 'loop-busy')
      return false
    }
    if (!p.cap.tryAcquire()) {
      skipped(p, base, 'concurrency-cap')
      return false
    }
    return true
  }

  /** What the write handlers, dual writes and shadow hooks know of a write request. */
  function writeInput(ctx: RoutingContext, params: Record<string, string>, body: Buffer, requestId: string): WriteInput {
    return {
      userId: ctx.userId,
      ...(ctx.requestedOrganizationId ? { organizationId: ctx.requestedOrganizationId } : {}),
      params,
      body: parseJson(body),
      requestId,
    }
  }

  // --- stages -------------------------------------------------------------------------------

  function off(p: Prepared, req: IncomingMessage, res: ServerResponse, path: string, stage: Stage = 'off'): void {
    forward(req, res, { group: p.entry.id, path, extraHeaders: stageHeaders(stage, 'legacy') })
  }

  function shadow(p: Prepared, req: IncomingMessage, res: ServerResponse, path: string, ctx: RoutingContext): void {
    const method = req.method ?? 'GET'
    // Only safe methods are ever shadowed: running a write twice is not an experiment.
    if (method !== 'GET' && method !== 'HEAD') return off(p, req, res, path, 'shadow')
    const h = requestHeaders(req)
    const requestId = h.requestId
    req.headers['x-request-id'] = requestId
    const base = baseRecord(p, 'shadow', ctx, method, path, requestId)
    if (!admitShadow(p, base)) return off(p, req, res, path, 'shadow')
    const run = runCandidate(deps.newApp, candidateRequest(req, path, null, requestId), p.entry.deadlineMs ?? options.shadowDeadlineMs)
    void run.settled.finally(() => p.cap.release())
    forward(req, res, {
      group: p.entry.id,
      path,
      extraHeaders: stageHeaders('shadow', 'legacy'),
      tee: {
        cap: options.teeCapBytes,
        done: (teed) => {
          if (!teed.ok && teed.reason === 'too-large') return skipped(p, base, 'body-too-large')
          if (!teed.ok && teed.reason === 'client-aborted') return skipped(p, base, 'client-aborted')
          void run.observation.then((candidate) => publish(p, base, 'shadow', legacyObservation(teed), candidate))
          if (method === 'GET' && teed.ok && takesNoise(p)) noise(p, base, h.headers, legacyObservation(teed))
        },
      },
    })
  }

  /** Asks legacy the same GET again and compares the two legacy answers (the noise baseline). */
  function noise(p: Prepared, base: Omit<OutcomeRecord, 'origin' | 'outcome'>, headers: string[], first: Observation): void {
    exchangeBuffered(deps.upstream, { method: 'GET', path: base.query ? `${base.path}?${base.query}` : base.path, headers }, options.teeCapBytes)
      .then((a) => publish(p, base, 'noise', first, { ...bufferedObservation(a), origin: 'new' }))
      .catch((err: Error) => {
        metrics.secondary('noise', 'legacy-failed')
        log.warn({ err, route: p.entry.id, reqId: base.request_id }, 'noise baseline: the second legacy call failed')
      })
  }

  async function live(p: Prepared, req: IncomingMessage, res: ServerResponse, path: string, ctx: RoutingContext): Promise<void> {
    const method = req.method ?? 'GET'
    const safe = method === 'GET' || method === 'HEAD'
    const h = requestHeaders(req)
    let body: Buffer | null = null
    if (!safe) {
      body = await readBody(req, options.bodyLimitBytes)
      if (body === null) return sendProblem(res, { status: 413, title: 'Content Too Large', detail: `request bodies of ${p.entry.id} are limited to ${options.bodyLimitBytes} bytes`, requestId: h.requestId })
    }
    const run = runCandidate(deps.newApp, candidateRequest(req, path, body, h.requestId), p.entry.deadlineMs ?? options.liveDeadlineMs)
    const candidate = await run.observation
    if (candidate.ok) {
      sendObservation(res, candidate, [...stageHeaders('live', 'new'), 'x-request-id', h.requestId])
      metrics.request(p.entry.id, 'new', candidate.status, candidate.ms / 1000)
      // A sampled share keeps being compared with legacy, so a live route stays verified.
      if (safe && random() < (p.entry.verifyShare ?? options.verifyShare)) {
        const base = baseRecord(p, 'live', ctx, method, path, h.requestId)
        void (async () => {
          if (await retired()) return void metrics.shadowSkipped.labels(p.entry.id, 'legacy-retired').inc()
          await exchangeBuffered(deps.upstream, { method, path, headers: h.headers })
            .then((a) => publish(p, base, 'verify', bufferedObservation(a), candidate))
            .catch((err: LegacyExchangeError) =>
              publish(p, base, 'verify', { ok: false, origin: 'legacy', kind: 'transport', message: err.message, ms: 0 }, candidate),
            )
        })()
      }
      return
    }
    metrics.originErrors.labels(p.entry.id, 'new').inc()
    // A write that timed out may still commit: answering from legacy then would write twice.
    const mayFallBack = p.entry.fallback && (safe || candidate.kind === 'threw')
    if (!mayFallBack) {
      if (candidate.kind === 'timeout') return sendProblem(res, { status: 504, title: 'Gateway Timeout', detail: `${p.entry.id} did not answer in time`, requestId: h.requestId }, stageHeaders('live', 'new'))
      return sendProblem(res, { status: 500, title: 'Internal Server Error', detail: `${p.entry.id} failed`, requestId: h.requestId }, stageHeaders('live', 'new'))
    }
    metrics.fallbacks.labels(p.entry.id, candidate.kind).inc()
    log.warn({ reqId: h.requestId, route: p.entry.id, cause: candidate.kind, err: candidate.message }, 'live handler failed; answered by legacy')
    if (safe) return forward(req, res, { group: p.entry.id, path, extraHeaders: stageHeaders('live', 'legacy') })
    await answerFromLegacy(res, { method, path, headers: h.headers, body }, stageHeaders('live', 'legacy'), h.requestId)
  }

  async function answerFromLegacy(res: ServerResponse, req: { method: string; path: string; headers: string[]; body: Buffer | null }, extra: string[], requestId: string): Promise<BufferedAnswer | null> {
    try {
      const answer = await exchangeBuffered(deps.upstream, req)
      sendBuffered(res, answer, extra, requestId)
      return answer
    } catch (err) {
      const e = err as LegacyExchangeError
      metrics.upstreamErrors.labels(e.kind === 'timeout' ? 'timeout' : 'unreachable').inc()
      sendProblem(res, e.kind === 'timeout'
        ? { status: 504, title: 'Gateway Timeout', detail: 'the legacy API sent no response headers in time', requestId }
        : { status: 502, title: 'Bad Gateway', detail: `the legacy API could not be reached (${e.message})`, requestId }, extra)
      return null
    }
  }

  /**
   * A phase 3 write in shadow: legacy writes and answers as before (with the layer below, a phase 1 or 2
   * dual write, when its flag is on); then the new handler runs the same request in a transaction that
   * is always rolled back (src/engine/write-shadow.ts) and the two writes are compared. The before-image
   * is taken before legacy runs; the shadow itself runs after the client has its answer.
   */
  async function shadowWrite(p: Prepared, below: { p: Prepared; stage: Stage } | null, req: IncomingMessage, res: ServerResponse, path: string, ctx: RoutingContext, params: Record<string, string>): Promise<void> {
    const h = requestHeaders(req)
    const method = req.method ?? 'POST'
    const body = await readBody(req, options.bodyLimitBytes)
    if (body === null) return sendProblem(res, { status: 413, title: 'Content Too Large', detail: `request bodies are limited to ${options.bodyLimitBytes} bytes`, requestId: h.requestId })
    const base = baseRecord(p, 'shadow', ctx, method, path, h.requestId)
    const input = writeInput(ctx, params, body, h.requestId)
    let run = admitShadow(p, base)
    let before: unknown
    if (run && p.entry.writeShadow!.before) {
      try {
        before = await p.entry.writeShadow!.before(deps.sql, input)
      } catch (err) {
        p.cap.release()
        run = false
        metrics.secondary('shadow', 'before-image-failed')
        log.warn({ err, route: p.entry.id, reqId: h.requestId }, 'shadow write: the before-image could not be read; legacy answers alone')
        skipped(p, base, 'before-image-failed')
      }
    }
    const started = performance.now()
    const extra = stageHeaders('shadow', 'legacy')
    const answer = await writeThroughLegacy(below?.p.entry.kind === 'dual-write' ? below.p : null, method, path, h.headers, body, input)
    if (!answer.ok) {
      if (run) p.cap.release()
      return sendProblem(res, answer.problem, extra)
    }
    const legacy = answer.value
    sendBuffered(res, legacy, extra, h.requestId)
    metrics.request(p.entry.id, 'legacy', legacy.status, (performance.now() - started) / 1000)
    if (!run) return
    runWriteShadow({
      sql: deps.sql,
      app: deps.newApp,
      entry: p.entry,
      input,
      request: candidateRequest(req, path, body, h.requestId),
      legacy: { status: legacy.status, body: legacy.body, json: answer.json, ms: legacy.ms },
      before,
      deadlineMs: p.entry.deadlineMs ?? options.shadowDeadlineMs,
    })
      .then(({ legacy: l, candidate }) => publish(p, base, 'shadow', l, candidate))
      .catch((err) => {
        metrics.secondary('shadow', 'write-shadow-failed')
        log.error({ err, route: p.entry.id, reqId: h.requestId }, 'shadow write failed')
      })
      .finally(() => p.cap.release())
  }

  async function dualWrite(p: Prepared, req: IncomingMessage, res: ServerResponse, path: string, ctx: RoutingContext, params: Record<string, string>, stage: Stage): Promise<void> {
    const h = requestHeaders(req)
    const body = await readBody(req, options.bodyLimitBytes)
    if (body === null) return sendProblem(res, { status: 413, title: 'Content Too Large', detail: `request bodies are limited to ${options.bodyLimitBytes} bytes`, requestId: h.requestId })
    const extra = stageHeaders(stage, 'legacy')
    const started = performance.now()
    const answer = await writeThroughLegacy(p, req.method ?? 'POST', path, h.headers, body, writeInput(ctx, params, body, h.requestId))
    if (!answer.ok) return sendProblem(res, answer.problem, extra)
    sendBuffered(res, answer.value, extra, h.requestId)
    metrics.request(p.entry.id, 'legacy', answer.value.status, (performance.now() - started) / 1000)
  }

  /**
   * Legacy answers a write; the dual write of `layer` (when given) follows it: prepared before legacy is
   * asked when it has a prepare, run after legacy's answer stood (or after any answer, once prepared: it
   * then also takes the prepared keys out again), its answer replacing legacy's body when it gives one.
   * `json`: legacy's body parsed, as the dual write saw it.
   */
  async function writeThroughLegacy(layer: Prepared | null, method: string, path: string, headers: string[], body: Buffer, request: WriteInput): Promise<{ ok: true; value: BufferedAnswer; json: unknown } | { ok: false; problem: Parameters<typeof sendProblem>[1] }> {
    const userId = request.userId
    let prepared = false
    if (layer?.entry.prepare && userId !== undefined) {
      try {
        await layer.entry.prepare({ ...request, userId }, { sql: deps.sql })
        prepared = true
      } catch (err) {
        metrics.secondary('org-write', 'prepare-failed')
        log.warn({ reqId: request.requestId, route: layer.entry.id, err }, 'could not prepare the legacy rows for this write; legacy is asked as they are')
      }
    }
    const answer = await answerFromLegacyDeferred(method, path, headers, body)
    if (!answer.ok) {
      // What prepare put into legacy's rows must come out again, whatever legacy did with it.
      if (prepared) await runDualWrite(layer!, { ...request, userId: userId!, legacy: { status: answer.problem.status, body: Buffer.alloc(0), json: null } })
      return answer
    }
    let legacy = answer.value
    const json = parseJson(legacy.body)
    const stood = legacy.status >= 200 && legacy.status < 300
    // Only a legacy write that stood is followed (a refused one wrote nothing, and neither do we), except
    // after a prepare.
    if (layer && (stood || prepared) && userId !== undefined) {
      const done = await runDualWrite(layer, { ...request, userId, legacy: { status: legacy.status, body: legacy.body, json } })
      if (done?.answer !== undefined && stood) legacy = withBody(legacy, Buffer.from(JSON.stringify(done.answer)))
    }
    return { ok: true, value: legacy, json }
  }

  async function answerFromLegacyDeferred(method: string, path: string, headers: string[], body: Buffer): Promise<{ ok: true; value: BufferedAnswer } | { ok: false; problem: Parameters<typeof sendProblem>[1] }> {
    try {
      return { ok: true, value: await exchangeBuffered(deps.upstream, { method, path, headers, body }) }
    } catch (err) {
      const e = err as LegacyExchangeError
      metrics.upstreamErrors.labels(e.kind === 'timeout' ? 'timeout' : 'unreachable').inc()
      return {
        ok: false,
        problem: e.kind === 'timeout'
          ? { status: 504, title: 'Gateway Timeout', detail: 'the legacy API sent no response headers in time' }
          : { status: 502, title: 'Bad Gateway', detail: `the legacy API could not be reached (${e.message})` },
      }
    }
  }

  /** The dual write's result, or null when it failed (then queued for the outbox; legacy's answer stands). */
  async function runDualWrite(p: Prepared, input: DualWriteInput): Promise<DualWriteResult | null> {
    let timer: NodeJS.Timeout | undefined
    try {
      return await Promise.race([
        p.entry.dualWrite!(input, { sql: deps.sql }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`organization write slower than ${options.dualWriteDeadlineMs} ms`)), options.dualWriteDeadlineMs)
        }),
      ])
    } catch (err) {
      metrics.secondary('org-write', 'failed')
      log.warn({ reqId: input.requestId, route: p.entry.id, err }, 'organization write failed; queued for retry')
      try {
        if (!deps.outbox) throw new Error('no outbox configured')
        await deps.outbox.enqueue(p.entry.id, input, err)
      } catch (outboxErr) {
        metrics.secondary('org-write', 'outbox-failed')
        log.error({ reqId: input.requestId, route: p.entry.id, err: outboxErr }, 'organization write could not be queued; reconcile will repair it')
      }
      return null
    } finally {
      clearTimeout(timer)
    }
  }

  async function handle(m: RouteMatch, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const top = prepared.get(m.entry)!
    if (flags.killSwitch()) {
      top.stages.off++
      metrics.stages.labels(top.entry.id, 'off').inc()
      return off(top, req, res, path)
    }
    const ctx = await deps.routing(req)
    const stickiness: { organizationId?: string; userId?: string } = {}
    if (ctx.organizationId) stickiness.organizationId = ctx.organizationId
    if (ctx.userId !== undefined) stickiness.userId = String(ctx.userId)
    // The latest layer whose flag is on decides; the next one on below it is what "as before" runs.
    let chosen: { p: Prepared; stage: Stage } | null = null
    let below: { p: Prepared; stage: Stage } | null = null
    for (const entry of m.chain) {
      const stage = flags.stage(entry.flag, stickiness)
      if (stage === 'off' || (stage === 'shadow' && entry.liveOnly)) continue
      if (!chosen) chosen = { p: prepared.get(entry)!, stage }
      else {
        below = { p: prepared.get(entry)!, stage }
        break
      }
      // Only a shadowed write runs the layer below it.
      if (!(entry.kind === 'write' && stage === 'shadow')) break
    }
    const p = chosen?.p ?? top
    const stage = chosen?.stage ?? 'off'
    p.stages[stage]++
    metrics.stages.labels(p.entry.id, stage).inc()
    if (stage === 'off') return off(p, req, res, path)
    switch (p.entry.kind) {
      case 'dual-write':
        return dualWrite(p, req, res, path, ctx, m.params, stage)
      case 'new':
        // No legacy twin to compare with: shadow runs the new handler for its errors and latency only.
        if (stage === 'shadow') return off(p, req, res, path, 'shadow')
        return live(p, req, res, path, ctx)
      case 'read':
        return stage === 'shadow' ? shadow(p, req, res, path, ctx) : live(p, req, res, path, ctx)
      case 'write':
        return stage === 'shadow' ? shadowWrite(p, below, req, res, path, ctx, m.params) : live(p, req, res, path, ctx)
    }
  }

  return {
    claim(method, path) {
      const m = match(method, path)
      if (!m) return null
      return (req, res, p) => {
        handle(m, req, res, p).catch((err) => {
          // The engine itself failed before anything was sent: legacy answers, as if off.
          metrics.secondary('engine', 'dispatch-failed')
          log.error({ err, route: m.entry.id }, 'migration engine failed; request passed through')
          if (!res.headersSent && !req.readableEnded && req.readableLength === 0 && !req.readableDidRead) {
            forward(req, res, { group: m.entry.id, path: p, extraHeaders: stageHeaders('off', 'legacy') })
          } else if (!res.headersSent) {
            sendProblem(res, { status: 502, title: 'Bad Gateway', detail: 'the proxy failed while handling this request' })
          }
        })
      }
    },
    stats() {
      const out: ReturnType<Engine['stats']> = {}
      for (const p of prepared.values()) out[p.entry.id] = { stages: { ...p.stages }, shadowInFlight: p.cap.inFlight }
      return out
    },
    async replay(entry, req) {
      // Replay compares under the same rules as the traffic, triage marks included.
      const p = prepared.get(entry)
      if (!p) throw new Error(`replay: ${entry.id} is not in the route table`)
      // Replaying a write would write again, on both sides: writes are only ever shadowed in a rolled-back transaction.
      if (entry.kind === 'write' || entry.kind === 'dual-write') throw new Error(`replay: ${entry.id} is a write; writes are never replayed`)
      const requestId = `replay-${Date.now().toString(36)}`
      const run = runCandidate(deps.newApp, req, entry.deadlineMs ?? options.shadowDeadlineMs)
      const headers: string[] = []
      for (const [k, v] of Object.entries(req.headers)) headers.push(k, v)
      headers.push('x-request-id', requestId)
      const legacy = await exchangeBuffered(deps.upstream, { method: req.method, path: req.path, headers, body: req.body })
        .then(bufferedObservation)
        .catch((e: Error): Observation => ({ ok: false, origin: 'legacy', kind: 'transport', message: e.message, ms: 0 }))
      const candidate = await run.observation
      const ctx: RoutingContext = {}
      if (req.organizationId) ctx.organizationId = req.organizationId
      if (req.userId !== undefined) ctx.userId = req.userId
      const row = publish(p, baseRecord(p, 'shadow', ctx, req.method, req.path, requestId), 'replay', legacy, candidate)
      if (!row) throw new Error('replay: the comparison failed')
      return row
    },
  }
}

/** Headers that describe legacy's body, not the one that replaces it. */
const BODY_HEADERS = new Set(['content-length', 'transfer-encoding', 'content-encoding', 'etag', 'content-md5'])

/** Legacy's answer with another JSON body: same status and headers, minus those of the old body. */
function withBody(a: BufferedAnswer, body: Buffer): BufferedAnswer {
  const headers: Buffer[] = []
  for (let i = 0; i < a.headers.length; i += 2) {
    if (!BODY_HEADERS.has(a.headers[i]!.toString('latin1').toLowerCase())) headers.push(a.headers[i]!, a.headers[i + 1]!)
  }
  headers.push(Buffer.from('content-length'), Buffer.from(String(body.length)))
  return { ...a, headers, body }
}

function bufferedObservation(a: BufferedAnswer): Observation {
  return { ok: true, origin: 'legacy', status: a.status, headers: null, body: a.body, ms: a.ms }
}

function sendObservation(res: ServerResponse, o: Extract<Observation, { ok: true }>, extra: string[]): void {
  const headers: string[] = []
  o.headers?.forEach((value, name) => {
    if (name !== 'content-length' && name !== 'transfer-encoding') headers.push(name, value)
  })
  headers.push('content-length', String(o.body.length), ...extra)
  res.writeHead(o.status, headers)
  res.end(o.body)
}

function parseJson(b: Buffer): unknown {
  if (b.length === 0) return null
  try {
    return JSON.parse(b.toString('utf8'))
  } catch {
    return null
  }
}

/**
 * The event loop's busy share, sampled every 100 ms off the request path and smoothed over about a
 * second (each sample weighs a fifth): a burst of requests fills a 100 ms window on its own, and
 * shedding on that alone skipped most shadows of bursty traffic at a fifth of the load the process can
 * take (measured in the phase 3 bench); sustained saturation still crosses the threshold within ~0.5 s.
 */
function loopUtilization(): { busy(): number } {
  let last = performance.eventLoopUtilization()
  let busy = 0
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization()
    busy += 0.2 * (performance.eventLoopUtilization(now, last).utilization - busy)
    last = now
  }, 100)
  timer.unref()
  return { busy: () => busy }
}
