// The one generator of the legacy data set: the demo, the tests and the million-row benchmarks all call
// seed(), so they all meet the same realistic, messy rows. Set-based SQL in chunks of users, written by
// two connections at once, deterministic for a seed whatever the chunking.
import type { Queryable, Sql } from '../db/index.js'
import { databaseKey, inProcessQueue } from '../db/queue.js'
import { dice, type Dice } from './dice.js'
import { insertFilters } from './filters.js'
import { insertCampaigns, insertUsers } from './people.js'
import { planChunks, predicates, type Chunk, type Predicates } from './plan.js'
import { insertElectedOffices, insertPathsToVictory } from './races.js'
import {
  inTransaction,
  LEGACY_TABLES,
  onlyForeignKeyTriggers,
  refuseUnlessEmpty,
  runChunks,
  SeedError,
  type LegacyTable,
} from './run.js'

export { LEGACY_TABLES, SeedError, type LegacyTable }

export type SeedOptions = {
  /** How many users (1 … 20,000,000). */
  users: number
  /** The same seed and user count give the same rows (default 1). */
  seed?: number
  /** Users per statement (default 100,000): bounds the server's memory per statement. */
  chunkSize?: number
  /** Chunks written at once, each on its own connection (default 2, at most the pool size). */
  concurrency?: number
  log?: (line: string) => void
}

export type SeedResult = {
  users: number
  seed: number
  /** Rows written per table. */
  counts: Record<LegacyTable, number>
  ms: number
}

const MAX_USERS = 20_000_000
// The session advisory lock that keeps two seeds of one database apart ('orgs').
const SEED_LOCK = 0x6f726773

/**
 * Writes the data set into the legacy tables, which must exist (applyLegacyBaseline) and be empty.
 * User ids are 1..users and the other serial ids start at 1; the sequences end past them. Campaign
 * documents (details, data, P2V data) come from at most 4,096 variants (see plan.ts).
 *
 * Each chunk of users is one transaction holding five INSERT … SELECT statements; chunks run on two
 * connections at once (a 2-core server writes about twice as fast). If a chunk fails, the rows already
 * written are deleted again, so the database is left empty as it was found.
 * @example const { counts } = await seed(db.sql, { users: 300, seed: 7 })
 */
export async function seed(sql: Sql, opts: SeedOptions): Promise<SeedResult> {
  const users = opts.users
  const seedValue = opts.seed ?? 1
  const chunkSize = opts.chunkSize ?? 100_000
  if (!Number.isInteger(users) || users < 1 || users > MAX_USERS)
    throw new SeedError(`users must be a whole number from 1 to ${MAX_USERS}, got ${users}`)
  if (!Number.isInteger(seedValue) || seedValue < 0 || seedValue > 2_147_483_647)
    throw new SeedError(`seed must be a whole number from 0 to 2147483647, got ${seedValue}`)
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new SeedError(`chunkSize must be a positive whole number, got ${chunkSize}`)

  return inProcessQueue(`${databaseKey(sql)}#seed`, () => seedLocked(sql, users, seedValue, chunkSize, opts))
}

async function seedLocked(sql: Sql, users: number, seedValue: number, chunkSize: number, opts: SeedOptions): Promise<SeedResult> {
  const log = opts.log ?? (() => {})
  const started = performance.now()
  const counts: Record<LegacyTable, number> = { user: 0, campaign: 0, path_to_victory: 0, elected_office: 0, voter_file_filter: 0 }
  const d = dice(sql, seedValue)
  const p = predicates(d, sql, users)
  // The lock holder also writes chunks, so a pool of one connection still works.
  const holder = await sql.reserve()
  try {
    const [locked] = await holder<{ ok: boolean }[]>`select pg_try_advisory_lock(${SEED_LOCK}, 0) as ok`
    if (!locked?.ok) throw new SeedError('another seed of this database is running')
    try {
      await refuseUnlessEmpty(holder)
      const chunks = await inTransaction(holder, async (tx) => {
        await tx`select set_config('jit', 'off', true)`
        return planChunks(tx, p, users, chunkSize)
      })
      const skipForeignKeyChecks = await onlyForeignKeyTriggers(holder)
      const write = async (tx: Queryable, chunk: Chunk) => {
        const written = await writeChunk(tx, d, p, chunk, seedValue, skipForeignKeyChecks)
        for (const table of LEGACY_TABLES) counts[table] += written[table]
        log(`seeded users ${chunk.lo}..${chunk.hi} of ${users} (${Math.round(performance.now() - started)} ms)`)
      }
      const pool = Math.max(0, Math.min((opts.concurrency ?? 2) - 1, sql.options.max - 1))
      try {
        await runChunks(chunks, [
          (chunk) => inTransaction(holder, (tx) => write(tx, chunk)),
          ...Array.from({ length: pool }, () => (chunk: Chunk) => sql.begin((tx) => write(tx, chunk)).then(() => {})),
        ])
      } catch (err) {
        // Only this seed wrote here (the tables were empty under the lock): leave them empty again.
        await holder`delete from "user" where id between 1 and ${users}`.catch(() => {})
        throw err
      }
      await inTransaction(holder, async (tx) => {
        // The rows carry explicit ids; the next row gp-api (or the stand-in) inserts must not collide.
        for (const table of ['user', 'campaign', 'path_to_victory', 'voter_file_filter'] as const)
          await tx`select setval(pg_get_serial_sequence(${`"${table}"`}, 'id'), (select coalesce(max(id), 0) + 1 from ${tx(table)}), false)`
        // Fresh statistics, so the first queries on the new rows (and the benchmarks) get sane plans.
        await tx`analyze "user", campaign, path_to_victory, elected_office, voter_file_filter`
      })
    } finally {
      await holder`select pg_advisory_unlock(${SEED_LOCK}, 0)`.catch(() => {})
    }
  } finally {
    holder.release()
  }
  const ms = Math.round(performance.now() - started)
  log(`seeded ${Object.entries(counts).map(([t, n]) => `${t} ${n}`).join(', ')} in ${ms} ms`)
  return { users, seed: seedValue, counts, ms }
}

/** The rows of one chunk of users, in one transaction, parents before children. */
async function writeChunk(
  tx: Queryable,
  d: Dice,
  p: Predicates,
  chunk: Chunk,
  seedValue: number,
  skipForeignKeyChecks: boolean,
): Promise<Record<LegacyTable, number>> {
  // JIT compiling these wide expressions costs more than running them (2.5 s of a 2.7 s statement).
  await tx`select set_config('jit', 'off', true)`
  // The rows reference each other by construction (a test checks for orphans); the per-row foreign
  // key checks were 30% of the seed's time. As in pg_restore --disable-triggers, the "replica" role
  // skips them, for this transaction only.
  if (skipForeignKeyChecks) await tx`select set_config('session_replication_role', 'replica', true)`
  return {
    user: await insertUsers(tx, d, chunk),
    campaign: await insertCampaigns(tx, d, p, chunk, seedValue),
    path_to_victory: await insertPathsToVictory(tx, d, p, chunk, seedValue),
    elected_office: await insertElectedOffices(tx, d, p, chunk, seedValue),
    voter_file_filter: await insertFilters(tx, d, p, chunk),
  }
}
