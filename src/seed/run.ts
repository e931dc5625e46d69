// The mechanics around the seed's SQL: checks before writing, chunks handed to connections, and
// transactions on a reserved connection.
import type { Queryable, ReservedSql } from '../db/index.js'
import type { Chunk } from './plan.js'

export const LEGACY_TABLES = ['user', 'campaign', 'path_to_victory', 'elected_office', 'voter_file_filter'] as const
export type LegacyTable = (typeof LEGACY_TABLES)[number]

export class SeedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SeedError'
  }
}

/** Hands the chunks out to the workers in order; the first failure stops new chunks from starting. */
export async function runChunks(chunks: Chunk[], workers: ((chunk: Chunk) => Promise<void>)[]): Promise<void> {
  let next = 0
  let failed = false
  const results = await Promise.allSettled(
    workers.map(async (work) => {
      while (!failed && next < chunks.length) {
        const chunk = chunks[next++]!
        try {
          await work(chunk)
        } catch (err) {
          failed = true
          throw err
        }
      }
    }),
  )
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failure) throw failure.reason
}

/** BEGIN … COMMIT on a reserved connection (postgres.js gives reserved connections no begin()). */
export async function inTransaction<T>(conn: ReservedSql, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  await conn.unsafe('begin')
  try {
    const result = await fn(conn)
    await conn.unsafe('commit')
    return result
  } catch (err) {
    await conn.unsafe('rollback').catch(() => {})
    throw err
  }
}

/**
 * True when the role may set session_replication_role and no trigger but the foreign keys' own would
 * fire on the legacy tables: with a user trigger (the organization contract step adds some) the seed
 * keeps every trigger, since the replica role would skip those too.
 */
export async function onlyForeignKeyTriggers(conn: Queryable): Promise<boolean> {
  const [row] = await conn<{ ok: boolean }[]>`
    select (select rolsuper from pg_roles where rolname = current_user)
      and not exists (
        select 1 from pg_trigger t
        where not t.tgisinternal
          and t.tgrelid in (select to_regclass(quote_ident(name)) from unnest(${LEGACY_TABLES as unknown as string[]}::text[]) as name)
      ) as ok`
  return row?.ok === true
}

export async function refuseUnlessEmpty(tx: Queryable): Promise<void> {
  const missing = await tx<{ table: string }[]>`
    select t as table from unnest(${LEGACY_TABLES as unknown as string[]}::text[]) as t
    where to_regclass(quote_ident(t)) is null`
  if (missing.length)
    throw new SeedError(
      `legacy tables missing (${missing.map((m) => m.table).join(', ')}): apply the legacy baseline first (applyLegacyBaseline)`,
    )
  const [row] = await tx<{ nonEmpty: string[] }[]>`
    select array_remove(array[
      case when exists (select 1 from "user") then 'user' end,
      case when exists (select 1 from campaign) then 'campaign' end,
      case when exists (select 1 from path_to_victory) then 'path_to_victory' end,
      case when exists (select 1 from elected_office) then 'elected_office' end,
      case when exists (select 1 from voter_file_filter) then 'voter_file_filter' end
    ], null) as "nonEmpty"`
  if (row && row.nonEmpty.length)
    throw new SeedError(`refusing to seed: legacy tables already hold rows (${row.nonEmpty.join(', ')}); seed only an empty database`)
}
