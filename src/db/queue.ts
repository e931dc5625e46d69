// Queues work per database inside one process: the embedded database is a single session, where
// advisory locks are re-entrant and cannot keep two runners of one process apart.
import type { Sql } from './index.js'

const queues = new Map<string, Promise<unknown>>()

/** Names the database a pool talks to (host, port, database), to queue work on it. */
export function databaseKey(sql: Sql): string {
  return `${sql.options.host.join(',')}:${sql.options.port.join(',')}/${sql.options.database}`
}

/**
 * Runs `fn` after every earlier call with the same key has settled.
 * @example await inProcessQueue(`${databaseKey(sql)}#seed`, () => seedLocked())
 */
export async function inProcessQueue<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve()
  const run = previous.then(fn, fn)
  const tail = run.catch(() => {})
  queues.set(key, tail)
  try {
    return await run
  } finally {
    if (queues.get(key) === tail) queues.delete(key)
  }
}
