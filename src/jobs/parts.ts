// Walking a job's parts: how many keys the whole job covers (for progress), and a cursor said in words.
import type { Sql } from '../db/index.js'
import type { Cursor, Job } from './types.js'

/** Keys over every part, or null when a part cannot count. */
export async function countAll(sql: Sql, job: Job): Promise<number | null> {
  let total = 0
  for (const part of job.parts) {
    if (!part.count) return null
    total += await part.count(sql)
  }
  return total
}

export function describeCursor(job: Job, c: Cursor): string {
  const part = job.parts[c.part]
  return part ? `${part.name} after ${c.after ?? '(start)'}` : 'the end'
}
