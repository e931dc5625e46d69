// `npm run seed -- --users N [--seed S]`: writes the legacy baseline and the generated data set into the
// database at DATABASE_URL, for benchmarks and manual testing at any size (never a real legacy database).
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../config/index.js'
import { openDatabase } from '../db/index.js'
import { applyLegacyBaseline } from '../db/migrate.js'
import { seed, SeedError } from '../seed/index.js'
import { describe } from './migrate.js'
import { failWith, isMain, runAsProcess, type Io } from './io.js'

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
    users = wholeNumber('--users', values.users, 1, 20_000_000)
    seedValue = wholeNumber('--seed', values.seed, 0, 2_147_483_647)
  } catch (err) {
    return fail(io, `${(err as Error).message.split('. ')[0]!} (npm run seed -- --help)`, 2)
  }
  let databaseUrl: string | undefined
  try {
    databaseUrl = loadConfig(io.env).DATABASE_URL
  } catch (err) {
    if (err instanceof ConfigError) return fail(io, err.lines.join('; '), 2)
    throw err
  }
  if (!databaseUrl) return fail(io, 'DATABASE_URL is required: the database to create the legacy tables in and seed', 2)
  const db = await openDatabase({ databaseUrl, max: 2 })
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

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const n = /^\d+$/.test(text.replace(/_/g, '')) ? Number(text.replace(/_/g, '')) : NaN
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new Error(`${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`)
  return n
}

if (isMain(import.meta.url)) await runAsProcess(run)
