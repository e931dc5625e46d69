// A write is shadowed the only way a write may be: legacy has written and answered the client; then, in
// one transaction that is always rolled back, legacy's rows are read back, legacy's write is undone so
// the new handler starts from the rows legacy started from, the new handler runs the same request on
// that transaction, and its rows are read back. The two sides are `{ answer, wrote }` documents the
// route's rules compare. Nothing here is ever committed, and nothing here reaches the client.
import type { Hono } from 'hono'
import type { Sql, TransactionSql } from 'postgres'
import type { LegacyAnswer, RouteEntry, WriteBindings, WriteInput } from '../routes/types.js'
import { jsonOrText, toRequest, type CandidateRequest, type Observation } from './experiment.js'

/** Thrown to end the shadow's transaction: postgres.js rolls back on any rejection of `begin`. */
class Rollback extends Error {
  constructor(readonly candidate: Observation) {
    super('shadow write rolled back')
  }
}

export type WriteShadowRun = {
  sql: Sql
  /** The organization-backed app (src/system/new-app.ts), called with the transaction as its env. */
  app: Hono
  entry: RouteEntry
  input: WriteInput
  request: CandidateRequest
  legacy: LegacyAnswer & { ms?: number }
  /** What `writeShadow.before` returned before legacy ran (undefined when the route has none). */
  before: unknown
  /** Bounds every statement and lock wait of the shadow (default 2000 ms). */
  deadlineMs?: number
}

/**
 * @example const { legacy, candidate } = await runWriteShadow({ sql, app, entry, input, request, legacy, before })
 * Never rejects: a failure of the shadow is the candidate's error (the legacy side stays as answered).
 */
export async function runWriteShadow(run: WriteShadowRun): Promise<{ legacy: Observation; candidate: Observation }> {
  const spec = run.entry.writeShadow
  if (!spec) throw new Error(`${run.entry.id} has no writeShadow`)
  const deadline = Math.max(1, Math.round(run.deadlineMs ?? 2000))
  let legacyRows: unknown = null
  let legacyRead = false
  const started = performance.now()
  let candidate: Observation
  try {
    await run.sql.begin(async (tx: TransactionSql) => {
      // The shadow must never hold a client's row for long: a lock it cannot get quickly loses the
      // comparison, not the client's time.
      await tx.unsafe(`SET LOCAL statement_timeout = ${deadline}; SET LOCAL lock_timeout = ${Math.min(deadline, 500)}`)
      const keys = spec.legacyWrote(run.input, run.legacy, run.before)
      legacyRows = keys === null ? null : await spec.readBack(tx, keys)
      legacyRead = true
      await spec.undo(tx, run.input, run.legacy, run.before)
      const env: WriteBindings = { db: tx }
      const t0 = performance.now()
      const response = await run.app.fetch(toRequest(run.request), env)
      const body = Buffer.from(await response.arrayBuffer())
      const ms = performance.now() - t0
      if (response.status >= 500) {
        throw new Rollback({ ok: false, origin: 'new', kind: 'threw', status: response.status, message: body.toString('utf8').slice(0, 300), ms })
      }
      const wrote = env.wrote === undefined || env.wrote === null ? null : await spec.readBack(tx, env.wrote)
      throw new Rollback({ ok: true, origin: 'new', status: response.status, headers: null, body: document(jsonOrText(body), wrote), ms })
    })
    throw new Error('the shadow transaction committed') // unreachable: the callback always throws
  } catch (err) {
    candidate = err instanceof Rollback
      ? err.candidate
      : { ok: false, origin: 'new', kind: legacyRead ? 'threw' : 'skipped', message: (err as Error).message, ms: performance.now() - started }
  }
  // Legacy's rows could not be read back: there is nothing to compare with, the run is a skip.
  if (!legacyRead) return { legacy: { ok: false, origin: 'legacy', kind: 'skipped', message: 'legacy rows not read back', ms: 0 }, candidate }
  const legacy: Observation = { ok: true, origin: 'legacy', status: run.legacy.status, headers: null, body: document(run.legacy.json, legacyRows), ms: run.legacy.ms ?? 0 }
  return { legacy, candidate }
}

/** The compared document of a write: its answer and what it left in the database. */
function document(answer: unknown, wrote: unknown): Buffer {
  return Buffer.from(JSON.stringify({ answer: answer ?? null, wrote: wrote ?? null }))
}
