// The durable outbox of organization writes (org_proxy.outbox): enqueue from the engine, and processing
// with FOR UPDATE SKIP LOCKED, one item per transaction, so any number of replicas work it without two
// of them redoing one item, and a crash mid-item leaves the item for the next try.
import type { Sql } from '../db/index.js'
import type { DualWriteOutbox } from '../engine/index.js'
import { describeError } from '../jobs/index.js'
import { retiredBy } from '../organizations/retired.js'
import { FALLBACK_HANDLER, PHASE1_OUTBOX_HANDLERS, type OutboxHandlers } from './handlers.js'
import type { OutboxMetrics } from './metrics.js'

export type OutboxOptions = { handlers?: OutboxHandlers }

/**
 * @example const outbox = createOutbox(sql); createEngine({ ..., outbox })
 */
export function createOutbox(sql: Sql, opts: OutboxOptions = {}): DualWriteOutbox {
  const handlers = opts.handlers ?? PHASE1_OUTBOX_HANDLERS
  return {
    async enqueue(routeId, input, error) {
      const payload = (handlers[routeId] ?? FALLBACK_HANDLER).payload(input)
      // The first retry comes soon: most failures are a deadline or a blip.
      await sql`
        INSERT INTO org_proxy.outbox (route, payload, request_id, last_error, next_attempt_at)
        VALUES (${routeId}, ${sql.json(payload as never)}, ${input.requestId}, ${describeError(error)}, now() + interval '1 second')`
    },
  }
}

export type ProcessOptions = {
  handlers?: OutboxHandlers
  /** Items at most (default 100). */
  limit?: number
  /** Drain: every pending item once, due or not (reconcile). Default: due items only. */
  ignoreSchedule?: boolean
  /** Attempts before an item is marked dead (default 20); dead items wait for reconcile or a person. */
  maxAttempts?: number
  /** Base of the exponential backoff (default 1000 ms); capped at 15 minutes, with jitter. */
  backoffBaseMs?: number
  metrics?: OutboxMetrics
  log?: { warn: (obj: object, msg: string) => void }
}

export type ProcessResult = {
  done: number
  retried: number
  dead: number
  /** Pending phase 1 items left alone because a phase 3 cleanup step retired phase 1's sync. */
  held?: number
}

type Item = { id: string; route: string; payload: Record<string, unknown>; attempts: number }

/** Works the outbox once; returns what happened to the items it took. */
export async function processOutbox(sql: Sql, opts: ProcessOptions = {}): Promise<ProcessResult> {
  const handlers = opts.handlers ?? PHASE1_OUTBOX_HANDLERS
  const limit = opts.limit ?? 100
  const result: ProcessResult = { done: 0, retried: 0, dead: 0 }
  let lastId = '0'
  // Once a cleanup step emptied the legacy keys, phase 1's redo would wipe organizations: its items wait
  // (not attempted, so they never go dead) and are redone if the step is rolled back. Only routes whose
  // handler does not read the legacy fields are worked meanwhile; an unknown route's fallback does.
  const retired = await retiredBy(sql)
  const workable = retired.length ? Object.entries(handlers).filter(([, h]) => !h.legacySource).map(([route]) => route) : null
  if (workable) {
    const [row] = await sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM org_proxy.outbox WHERE status = 'pending' AND NOT (route = ANY(${workable}::text[]))`
    result.held = row?.n ?? 0
  }
  opts.metrics?.items.labels('held').set(result.held ?? 0)
  const only = workable ? sql`AND route = ANY(${workable}::text[])` : sql``
  for (let n = 0; n < limit; n++) {
    const outcome = await sql.begin(async (tx) => {
      const [item] = opts.ignoreSchedule
        ? await tx<Item[]>`
            SELECT id, route, payload, attempts FROM org_proxy.outbox
            WHERE status = 'pending' AND id > ${lastId}::bigint ${only} ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`
        : await tx<Item[]>`
            SELECT id, route, payload, attempts FROM org_proxy.outbox
            WHERE status = 'pending' AND next_attempt_at <= now() ${only} ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`
      if (!item) return null
      lastId = item.id
      const handler = handlers[item.route] ?? FALLBACK_HANDLER
      try {
        await tx.savepoint((sp) => handler.redo(sp, item.payload))
        await tx`DELETE FROM org_proxy.outbox WHERE id = ${item.id}::bigint`
        return { route: item.route, result: 'done' as const }
      } catch (err) {
        const attempts = item.attempts + 1
        const dead = attempts >= (opts.maxAttempts ?? 20)
        const delayMs = backoff(attempts, opts.backoffBaseMs ?? 1000)
        await tx`
          UPDATE org_proxy.outbox SET attempts = ${attempts}, last_error = ${describeError(err)}, updated_at = now(),
            status = ${dead ? 'dead' : 'pending'}, next_attempt_at = now() + make_interval(secs => ${delayMs / 1000})
          WHERE id = ${item.id}::bigint`
        opts.log?.warn({ err, route: item.route, outboxId: item.id, attempts, dead }, 'outbox item failed again')
        return { route: item.route, result: dead ? ('dead' as const) : ('retry' as const) }
      }
    })
    if (!outcome) break
    opts.metrics?.processed.labels(outcome.route, outcome.result).inc()
    if (outcome.result === 'done') result.done++
    else if (outcome.result === 'dead') result.dead++
    else result.retried++
  }
  return result
}

/** Exponential with full jitter between half and all of it: replicas retrying together spread out. */
export function backoff(attempts: number, baseMs: number, random = Math.random): number {
  const ceiling = Math.min(15 * 60_000, baseMs * 2 ** Math.max(0, attempts - 1))
  return Math.round(ceiling * (0.5 + random() / 2))
}

export type OutboxStats = { pending: number; dead: number; oldestPendingSeconds: number }

export async function outboxStats(sql: Sql): Promise<OutboxStats> {
  const [row] = await sql<{ pending: string; dead: string; oldest: number | null }[]>`
    SELECT count(*) FILTER (WHERE status = 'pending') AS pending, count(*) FILTER (WHERE status = 'dead') AS dead,
      extract(epoch FROM now() - min(created_at) FILTER (WHERE status = 'pending'))::float8 AS oldest
    FROM org_proxy.outbox`
  return { pending: Number(row?.pending ?? 0), dead: Number(row?.dead ?? 0), oldestPendingSeconds: row?.oldest ?? 0 }
}
