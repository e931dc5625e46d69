// The nouns of the one job runner (Shopify maintenance_tasks in SQL): a job walks one or more keyset
// collections ("parts") in batches; each batch is one repeat-safe step in one transaction.
import type { Sql, TransactionSql } from '../db/index.js'

/** Counters a step reports (outcome categories, invalid fields…); summed over the run. */
export type Tally = Record<string, number>

/** A keyset key: an integer id or a text/uuid id, stored as JSON in the checkpoint. */
export type Key = number | string

/** Where a run stands: the part being walked and the last key done in it (null: from the start). */
export type Cursor = { part: number; after: Key | null }

export type StepContext = {
  /** Keys per batch (the --batch-size). */
  limit: number
  /** The batch runs in a transaction that is rolled back: do the work anyway, to count it. */
  dryRun: boolean
}

export type StepResult = {
  /** The last key of this batch; null when the part had no key after `after` (it is done). */
  last: Key | null
  /** Keys walked in this batch (progress counts these). */
  walked: number
  tally?: Tally
}

export type JobPart = {
  /** 'campaigns', 'elected offices': printed in progress lines. */
  name: string
  /** How many keys the part walks, for progress and ETA (an estimate is fine). */
  count?: (sql: Sql) => Promise<number>
  /**
   * One batch: the keys after `after` in key order, at most `ctx.limit`, processed set-based. Must be
   * safe to repeat: a batch cut off by a kill is rolled back and runs again on resume.
   */
  step: (tx: TransactionSql, after: Key | null, ctx: StepContext) => Promise<StepResult>
}

export type Job = {
  /** Checkpoint key, e.g. 'backfill:organizations'. */
  name: string
  parts: readonly JobPart[]
}

export type Progress = {
  job: string
  part: string
  done: number
  total: number | null
  /** Keys per second over the last few seconds. */
  rate: number
  etaSeconds: number | null
  batches: number
  /** Set while the runner waits for the database to be healthy again. */
  waiting?: string
  finished?: boolean
}

/** A throttle's answer: ok, or why to wait (e.g. "replication lag 14.2 s > 10 s"). */
export type HealthVerdict = { ok: true } | { ok: false; reason: string }
export type Throttle = (sql: Sql) => Promise<HealthVerdict>
