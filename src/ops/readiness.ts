// /readyz's question: have the migrations run, and does the database answer right now?
import type { Sql } from 'postgres'

/** @example readiness: databaseReadiness(sql, () => migrated) */
export function databaseReadiness(sql: Sql, migrated: () => boolean, timeoutMs = 2000): () => Promise<string | null> {
  return async function readiness() {
    if (!migrated()) return 'migrations have not run yet'
    let timer: NodeJS.Timeout | undefined
    try {
      await Promise.race([
        sql`select 1`,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
        }),
      ])
      return null
    } catch (err) {
      return `database: ${(err as Error).message}`
    } finally {
      clearTimeout(timer)
    }
  }
}
