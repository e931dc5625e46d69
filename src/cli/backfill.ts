// `npm run backfill -- organizations|voter-filters [--dry-run] [--batch-size N] [--verify]`: creates the missing
// organizations (voter-filters: links segments to theirs) in resumable, throttled batches and prints a
// summary per outcome category; --verify checks the result against the legacy rows and lists the drift.
import { parseArgs } from 'node:util'
import { formatBackfillSummary, formatDrift, organizationsBackfill, organizationsVerify } from '../backfill/index.js'
import { main, UsageError, wholeNumber, withJobDatabase, type JobDatabase, type JobIo } from '../jobs/cli.js'
import { duration, runJob, type Job, type Tally } from '../jobs/index.js'
import { voterFiltersBackfillCommand } from '../voter-filters/index.js'
import { failWith, isMain } from './io.js'

const fail = failWith('backfill')

const USAGE = `usage: npm run backfill -- <job> [options]
jobs:
  organizations     the organization of every campaign (win) and elected office (serve) that lacks one
  voter-filters     the organization of every voter file filter (segment) that lacks one (phase 2)
options:
  --dry-run         run every batch and roll it back: counts and the summary, nothing written
  --batch-size N    rows per batch (default 2000); each batch locks at most N legacy rows briefly
  --pause-ms N      pause between batches (default 20)
  --restart         forget an unfinished run's checkpoint and start over (the work is idempotent)
  --verify          write nothing: compare every organization with the mapping of its legacy rows
                    and list the drift by field path; exit 1 when there is any
Resumable: a killed or stopped run continues from its last committed batch when run again.
SIGINT/SIGTERM stop after the batch in flight.`

/** A backfill this command runs: its job, its summary, and its verify (a read-only job filling a report). */
type Backfill = {
  job: Job
  summary: (tally: Tally, opts: { dryRun?: boolean }) => string[]
  verify: () => { job: Job; lines: () => string[]; drifted: () => number }
  /** After a finished run that wrote (e.g. fresh statistics on the table it filled). */
  after?: (sql: JobDatabase['sql']) => Promise<unknown>
}

const JOBS: Record<string, Backfill> = {
  organizations: {
    job: organizationsBackfill,
    summary: formatBackfillSummary,
    verify: () => {
      const { job, report } = organizationsVerify()
      return { job, lines: () => formatDrift(report), drifted: () => report.drifted }
    },
    // organization grew from nothing: fresh statistics before the proxy's lookups and reconcile plan on it.
    after: (sql) => sql`ANALYZE organization`,
  },
  'voter-filters': voterFiltersBackfillCommand,
}

/** Exit codes: 0 done, 1 failed or drift found, 2 bad arguments, 3 stopped before the end (run again to resume). */
export async function run(argv: string[], io: JobIo): Promise<number> {
  let args: { job: Backfill; name: string; dryRun: boolean; verify: boolean; restart: boolean; batchSize: number; pauseMs: number }
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        'dry-run': { type: 'boolean', default: false },
        'batch-size': { type: 'string' },
        'pause-ms': { type: 'string' },
        restart: { type: 'boolean', default: false },
        verify: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    })
    if (values.help) return io.out(USAGE), 0
    if (positionals.length !== 1) throw new UsageError(positionals.length ? `one job at a time, got ${positionals.join(' ')}` : 'missing the job to run (organizations, voter-filters)')
    const job = JOBS[positionals[0]!]
    if (!job) throw new UsageError(`unknown job ${JSON.stringify(positionals[0])} (known: ${Object.keys(JOBS).join(', ')})`)
    if (values.verify && (values['dry-run'] || values.restart)) throw new UsageError('--verify writes nothing; it takes no --dry-run or --restart')
    args = {
      job,
      name: positionals[0]!,
      dryRun: values['dry-run'],
      verify: values.verify,
      restart: values.restart,
      batchSize: wholeNumber('--batch-size', values['batch-size'], 2000, 1, 100_000),
      pauseMs: wholeNumber('--pause-ms', values['pause-ms'], 20, 0, 600_000),
    }
  } catch (err) {
    return fail(io, `${(err as Error).message.split('. ')[0]!} (npm run backfill -- --help)`, 2)
  }
  return withJobDatabase(io, 'npm run backfill', fail, async (sql, printer) => {
    const common = { batchSize: args.batchSize, pauseMs: args.pauseMs, signal: io.signal, onProgress: printer?.update, log: (l: string) => (printer?.end(), io.err(l)) }
    if (args.verify) {
      const verify = args.job.verify()
      const summary = await runJob(sql, verify.job, { ...common, checkpoint: false })
      printer?.end()
      for (const line of verify.lines()) io.out(line)
      if (summary.status === 'stopped') return fail(io, 'verify stopped before the end: the report above is partial', 3)
      return verify.drifted() ? 1 : 0
    }
    const summary = await runJob(sql, args.job.job, { ...common, dryRun: args.dryRun, restart: args.restart })
    printer?.end()
    if (summary.status === 'finished' && !args.dryRun) await args.job.after?.(sql)
    for (const line of args.job.summary(summary.tally, { dryRun: args.dryRun })) io.out(line)
    const rate = summary.walked / Math.max(0.001, summary.ms / 1000)
    io.out(`${args.name}: ${summary.status}${args.dryRun ? ' (dry run: nothing written)' : ''}, ${summary.walked} rows walked by this run in ${duration(summary.ms / 1000)} (${Math.round(rate)} rows/s)${summary.resumed ? ', resumed from a checkpoint' : ''}`)
    return summary.status === 'stopped' ? 3 : 0
  })
}

if (isMain(import.meta.url)) await main(run)
