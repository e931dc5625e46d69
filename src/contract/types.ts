// The nouns of contract steps: the irreversible-looking schema changes that finish a phase (NOT NULL,
// dropped columns, deleted legacy keys). A step refuses until its precondition holds, asks a stage gate
// when one is plugged in, and runs its SQL one statement per transaction with a lock_timeout.
import type { Sql } from '../db/index.js'
import type { ForeignKeyColumn, NotNullColumn } from './safe-ddl.js'

export type Precondition = {
  ok: boolean
  /** What was measured, one line each ("campaigns without an organization: 12"). */
  report: string[]
  counts?: Record<string, number>
}

/**
 * A SQL file of sql/contract/ (statements split as the migrator splits them), a column made NOT NULL or a
 * foreign key put back the safe way (src/contract/safe-ddl.ts), or code between them.
 */
export type ContractAction =
  | { file: string }
  | { notNull: NotNullColumn }
  | { foreignKey: ForeignKeyColumn }
  | { name: string; run: (sql: Sql, log: (line: string) => void, ctx: ActionContext) => Promise<void> }

/** What an action gets besides the database: the abort of SIGTERM (a job stops after its batch in flight). */
export type ActionContext = { signal?: AbortSignal | undefined }

export type ContractStep = {
  /** Command-line name: `npm run contract -- <name>`. */
  name: string
  phase: 1 | 2 | 3
  summary: string
  /** Must hold before the step may run (and again after its catch-up actions, where it has some). */
  precondition: (sql: Sql) => Promise<Precondition>
  /** Already in force (the run is then a no-op). */
  applied: (sql: Sql) => Promise<boolean>
  apply: readonly ContractAction[]
  rollback?: readonly ContractAction[]
  /** Must hold before the rollback may run (e.g. not once the step was confirmed). */
  rollbackPrecondition?: (sql: Sql) => Promise<Precondition>
  /** The flag whose stage gate decides (issue 6's `npm run gate -- <flag>`). */
  gateFlag?: string
}

/**
 * The stage gate hook (issue 6 plugs `npm run gate` in here). When present the runner asks it before
 * applying; a "no" stops the step unless an override reason is given, which is recorded.
 */
export type RequireGate = (step: ContractStep) => Promise<{ ok: boolean; evidence: string }>
