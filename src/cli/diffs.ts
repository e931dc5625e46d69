// `npm run diffs [-- --route R --flag F --since 1h --until … --org UUID --json]`: the diff report per
// migrated route, from the comparisons the proxy recorded in DATABASE_URL.
import { parseArgs } from 'node:util'
import { buildReport, DEFAULT_NOISE_THRESHOLDS, formatReport, parseThreshold, reviewFilter, FilterError } from '../review/index.js'
import { describe, reviewDatabase, UsageError } from '../review/cli.js'
import { failWith, isMain, runAsProcess, type Io } from './io.js'

const fail = failWith('diffs')

const USAGE = `usage: npm run diffs -- [options]
  --route ID        one route (e.g. campaigns.mine.read)
  --flag NAME       the routes of one flag (e.g. org.reads)
  --since WHEN      start of the window: 90m, 24h, 7d, or a date/ISO time (default 24h before --until)
  --until WHEN      end of the window (default now)
  --org UUID        one organization's comparisons
  --relative X      noise margin, relative (default ${DEFAULT_NOISE_THRESHOLDS.relative}, i.e. 20 %; 20% also works)
  --absolute X      noise margin, absolute (default ${DEFAULT_NOISE_THRESHOLDS.absolute}, i.e. 0.03 %)
  --json            the whole report as JSON
Reads DATABASE_URL. A field path is reported as a mismatch only when its rate beats its rate between
two legacy answers (the noise baseline) by both margins; noise fields are listed apart.`

/** Exit codes: 0 report printed, 1 the database failed, 2 bad arguments or configuration. */
export async function run(argv: string[], io: Io): Promise<number> {
  let args
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        route: { type: 'string' },
        flag: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        org: { type: 'string' },
        relative: { type: 'string' },
        absolute: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    })
    if (values.help) return io.out(USAGE), 0
    args = {
      filter: reviewFilter(values),
      thresholds: {
        relative: parseThreshold('--relative', values.relative, DEFAULT_NOISE_THRESHOLDS.relative),
        absolute: parseThreshold('--absolute', values.absolute, DEFAULT_NOISE_THRESHOLDS.absolute),
      },
      json: values.json,
    }
  } catch (err) {
    return fail(io, `${(err as Error).message.split('. ')[0]!} (npm run diffs -- --help)`, 2)
  }
  let sql
  try {
    sql = reviewDatabase(io, 'npm run diffs')
  } catch (err) {
    if (err instanceof UsageError || err instanceof FilterError) return fail(io, err.message, 2)
    throw err
  }
  try {
    const report = await buildReport(sql, args.filter, { thresholds: args.thresholds })
    io.out(args.json ? JSON.stringify(report, null, 2) : formatReport(report))
    return 0
  } catch (err) {
    return fail(io, describe(err), 1)
  } finally {
    await sql.end({ timeout: 1 })
  }
}

if (isMain(import.meta.url)) await runAsProcess(run)
