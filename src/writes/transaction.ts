// Where a write handler runs its one transaction: its own on the pool, or a savepoint inside the
// transaction it was handed (the shadow's, always rolled back), so that a refusal thrown inside undoes
// only the handler's work and leaves the shadow's transaction usable for the read-back.
import type { Sql, TransactionSql } from '../db/index.js'
import type { WriteBindings } from '../routes/types.js'

/** What these helpers read of a Hono context: its env (the engine's bindings, or none). */
type WithEnv = { env?: unknown }

/**
 * @example const row = await inTransaction(c.env?.db ?? sql, (tx) => tx`INSERT … RETURNING *`)
 */
export async function inTransaction<T>(db: Sql | TransactionSql, fn: (tx: TransactionSql) => Promise<T>): Promise<T> {
  // A transaction handle has savepoint; the pool has only begin (phase 1's repository tells them apart the same way).
  return ('savepoint' in db ? db.savepoint(fn) : db.begin(fn)) as Promise<T>
}

/** The handle a write runs on: the shadow's transaction when the engine passed one, else the pool. */
export function writeDb(c: WithEnv, sql: Sql): Sql | TransactionSql {
  return (c.env as WriteBindings | undefined)?.db ?? sql
}

/** Tells the shadow which rows this request wrote (read back before its transaction rolls back). */
export function recordWrote(c: WithEnv, keys: unknown): void {
  const env = c.env as WriteBindings | undefined
  if (env) env.wrote = keys
}
