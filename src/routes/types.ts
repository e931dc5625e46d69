// What one migrated route is, as data: the route table is a list of these, and the engine is generic
// over them. Adding a migrated route is one entry plus its handler.
import type { Handler, MiddlewareHandler } from 'hono'
import type { Sql, TransactionSql } from 'postgres'
import type { CompareRulesInput } from '../compare/index.js'

// One vocabulary for flags and stages: the flag source defines them, the route table uses them.
// (off: legacy only; shadow: legacy answers, the new handler runs beside it; live: the new handler answers.)
import type { FlagName, Stage } from '../flags/index.js'
export type { FlagName, Stage }

/**
 * - `read`: a legacy read moved onto Organization (off → shadow → live, compared).
 * - `new`: a route legacy does not have (GET /v1/organizations): off passes through, on answers.
 * - `dual-write`: a legacy write the proxy follows with the organization write (phase 1).
 * - `write`: a legacy write the new handler takes over (phase 3): shadow runs it in a rolled-back
 *   transaction and compares what it would have written.
 */
export type RouteKind = 'read' | 'new' | 'dual-write' | 'write'

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** The legacy answer a dual write follows: only 2xx answers reach it. */
export type LegacyAnswer = { status: number; body: Buffer; json: unknown }

/** What a dual write knows of the request it follows. */
export type DualWriteInput = {
  userId: number
  /** The X-Organization-Id the caller sent, if any (not yet checked: the write checks ownership). */
  organizationId?: string
  params: Record<string, string>
  body: unknown
  legacy: LegacyAnswer
  requestId: string
}

/** Brings Organization up to date after a legacy write; throws to send the work to the outbox. */
export type DualWrite = (input: DualWriteInput, deps: { sql: Sql }) => Promise<DualWriteResult>
export type DualWriteResult = {
  organizationIds: string[]
  note?: string
  /**
   * A JSON body to answer instead of legacy's, same status (phase 3: legacy's answer with the keys its
   * rows no longer hold laid back over it from the organization, as the reads answer them).
   */
  answer?: unknown
}

/**
 * Runs before legacy is asked (phase 3): puts back, for this one write, what legacy's own logic still
 * reads from its rows (the race lookup reads the position from campaign.details); the dual write after
 * it takes it out again. A failure is counted and legacy is asked anyway.
 */
export type PrepareWrite = (input: Omit<DualWriteInput, 'legacy'>, deps: { sql: Sql }) => Promise<void>

/** What the write handlers and their shadow hooks know of a client's write request. */
export type WriteInput = {
  /** The verified caller (undefined: no valid token; the handler answers 401 itself). */
  userId: number | undefined
  /** The X-Organization-Id the caller sent, if any (unchecked: the handler checks ownership). */
  organizationId?: string
  params: Record<string, string>
  body: unknown
  requestId: string
}

/**
 * Hono bindings of the organization-backed app (`app.fetch(request, env)`): a write handler runs its
 * transaction on `env.db` when given (the shadow's always-rolled-back transaction) and records the
 * keys of the rows it wrote in `env.wrote`, so the shadow can read them back before the rollback.
 */
export type WriteBindings = { db?: Sql | TransactionSql; wrote?: unknown }
export type WriteEnv = { Bindings: WriteBindings }

/**
 * How a write taken over in phase 3 is shadowed. Legacy writes first and answers the client; then,
 * in one transaction that is always rolled back: legacy's rows are read back, legacy's write is undone,
 * the new handler runs the same request, and its rows are read back. The two (answer + rows) are
 * compared; nothing the shadow computed is ever committed.
 */
export type WriteShadow<K = unknown> = {
  /** Before legacy runs: the rows the write may change (a before-image the undo puts back). */
  before?: (db: Sql, input: WriteInput) => Promise<unknown>
  /** The rows legacy wrote, from its answer (null: nothing to read back, e.g. a refusal). */
  legacyWrote: (input: WriteInput, legacy: LegacyAnswer, before: unknown) => K | null
  /** Inside the shadow's transaction: undo legacy's write, so the new handler starts where legacy did. */
  undo: (tx: TransactionSql, input: WriteInput, legacy: LegacyAnswer, before: unknown) => Promise<void>
  /** What a write left in the database, in one comparable shape (ids and timestamps may differ: the rules say so). */
  readBack: (db: TransactionSql, wrote: K) => Promise<unknown>
}

export type RouteEntry = {
  /** Stable id used in metrics, outcomes, the report and the page: 'campaigns.mine'. */
  id: string
  /**
   * Which phase of the plan moves it. One method and path may be listed once per phase: the latest
   * phase whose flag is on for the request decides, and the layers below it are what "as before" means
   * (a shadowed phase 3 write still runs the phase 1 dual write under it; all off: legacy alone).
   */
  phase: 1 | 2 | 3
  method: HttpMethod
  /** Hono path pattern, exactly as the web app calls it: '/v1/voters/voter-file/filter/:id'. */
  path: string
  flag: FlagName
  kind: RouteKind
  /** One line for product people: what changes for the user when this route moves. */
  summary: string
  /** The organization-backed handler (read, new, write). Mounted behind `middleware`. */
  handler?: Handler
  /** Auth and organization context the handler needs, in order. */
  middleware?: MiddlewareHandler[]
  /** The phase 1 interceptor (dual-write). */
  dualWrite?: DualWrite
  /** Before a dual write's legacy call (see PrepareWrite). */
  prepare?: PrepareWrite
  /**
   * A dual write that replaces the one below it (phase 3 moves keys where phase 1 copied them) has no
   * shadow of its own: with `liveOnly`, its flag in shadow leaves the layer below in charge.
   */
  liveOnly?: boolean
  /** How a `write` is shadowed (required for kind `write`). */
  writeShadow?: WriteShadow<any>
  /** How the legacy and new answers are compared (read, write: a write compares `{ answer, wrote }`). */
  compare?: CompareRulesInput
  /** Live: on a thrown error or a passed deadline, answer from legacy instead. */
  fallback: boolean
  /** Deadline of the new handler in ms (default: engine's). */
  deadlineMs?: number
  /** Shadow runs at once for this route at most (default: engine's); more are skipped, never queued. */
  shadowConcurrency?: number
  /** Share of live requests that also call legacy in the background and compare (default 0.01). */
  verifyShare?: number
  /** Share of `match` outcomes stored (every other outcome is always stored; default 1). */
  recordMatchShare?: number
}
