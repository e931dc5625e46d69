// `npm run seed -- --users N [--seed S]`: writes the legacy baseline and the generated data set into the
// database at DATABASE_URL, for benchmarks and manual testing at any size (never a real legacy database).
import { parseArgs } from 'node:util'
import { openDatabase } from '../db/index.js'
import { applyLegacyBaseline } from '../db/migrate.js'
import { seed, SeedError } from '../seed/index.js'
import { describe } from './migrate.js'
import { databaseUrl, failWith, isMain, runAsProcess, UsageError, wholeNumber, type Io } from './io.js'

const fail = failWith('seed')

const USAGE = `usage: npm run seed -- --users N [--seed S]
  creates the gp-api tables (sql/legacy) in DATABASE_URL and fills them with N generated users, their
  campaigns, path-to-victory rows, elected offices and voter file filters; the same N and S give the
  same rows. Refuses when the legacy tables already hold rows.
  --users N   how many users (1 to 20000000)
  --seed S    pseudo-random seed (default 1)`

/** Runs the command; returns the exit code (0 done, 1 refused or failed, 2 bad arguments or configuration). */
export async function run(argv: string[], io: Io): Promise<number> {
  let users: number
  let seedValue: number
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { users: { type: 'string' }, seed: { type: 'string', default: '1' }, help: { type: 'boolean', short: 'h' } },
    })
    if (values.help) {
      io.out(USAGE)
      return 0
    }
    if (values.users === undefined) return fail(io, 'missing --users N (npm run seed -- --help)', 2)
    users = wholeNumber('--users', values.users, 0, 1, 20_000_000)
    seedValue = wholeNumber('--seed', values.seed, 1, 0, 2_147_483_647)
  } catch (err) {
    return fail(io, `${(err as Error).message.split('. ')[0]!} (npm run seed -- --help)`, 2)
  }
  let url: string
  try {
    url = databaseUrl(io.env, 'DATABASE_URL is required: the database to create the legacy tables in and seed')
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    return fail(io, err.message, 2)
  }
  const db = await openDatabase({ databaseUrl: url, max: 2 })
  try {
    await applyLegacyBaseline(db.sql, { log: io.out })
    const result = await seed(db.sql, { users, seed: seedValue, log: io.out })
    io.out(`seed: done in ${(result.ms / 1000).toFixed(1)} s (seed ${result.seed})`)
    return 0
  } catch (err) {
    return fail(io, err instanceof SeedError ? err.message : describe(err), 1)
  } finally {
    await db.close()
  }
}

if (isMain(import.meta.url)) await runAsProcess(run)
