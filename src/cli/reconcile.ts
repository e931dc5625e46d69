// `npm run reconcile [-- --deep]`: repairs the organizations that are missing or older than their
// legacy rows (writes that never passed the proxy), drains the outbox, and reports what it repaired.
import { parseArgs } from 'node:util'
import { main, UsageError, wholeNumber, withJobDatabase, type JobIo } from '../jobs/cli.js'
import { formatReconcile, reconcile } from '../reconcile/index.js'
import { failWith, isMain } from './io.js'

const fail = failWith('reconcile')

const USAGE = `usage: npm run reconcile [-- options]
  finds organizations missing or older than their legacy rows and repairs them through the mapping,
  then retries every pending outbox item; safe beside the proxy's own periodic reconcile (they share
  the work) and resumable after a kill.
options:
  --deep            also compare every organization's content with the mapping of its legacy rows
                    (finds writes that did not bump updated_at); slower, reads every row
  --batch-size N    rows per batch (default 5000)
  --pause-ms N      pause between batches (default 20)
  --no-outbox       do not drain the outbox`

/** Exit codes: 0 done, 1 failed, 2 bad arguments, 3 stopped before the end (run again to resume). */
export async function run(argv: string[], io: JobIo): Promise<number> {
  let deep: boolean, batchSize: number, pauseMs: number, drainOutbox: boolean
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        deep: { type: 'boolean', default: false },
        'batch-size': { type: 'string' },
        'pause-ms': { type: 'string' },
        'no-outbox': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    })
    if (values.help) return io.out(USAGE), 0
    deep = values.deep
    drainOutbox = !values['no-outbox']
    batchSize = wholeNumber('--batch-size', values['batch-size'], 5000, 1, 100_000)
    pauseMs = wholeNumber('--pause-ms', values['pause-ms'], 20, 0, 600_000)
  } catch (err) {
    const message = err instanceof UsageError ? err.message : (err as Error).message.split('. ')[0]!
    return fail(io, `${message} (npm run reconcile -- --help)`, 2)
  }
  return withJobDatabase(io, 'npm run reconcile', fail, async (sql, printer) => {
    const report = await reconcile(sql, {
      mode: deep ? 'deep' : 'quick',
      batchSize,
      pauseMs,
      drainOutbox,
      signal: io.signal,
      onProgress: printer?.update,
      log: (l) => (printer?.end(), io.err(l)),
    })
    printer?.end()
    for (const line of formatReconcile(report)) io.out(line)
    return report.status === 'stopped' ? 3 : 0
  })
}

if (isMain(import.meta.url)) await main(run)
