// Issue #4's bench child: runs the organization backfill (and its verify) in a process of its own, so
// its peak RSS is the backfill's alone. The parent times it and reads the peak through IPC.
import postgres from 'postgres'
import { formatBackfillSummary, organizationsBackfill, organizationsVerify } from '../../src/backfill/index.js'
import { runJob } from '../../src/jobs/index.js'
import { serveParent } from '../lib/child-ipc.js'

const url = process.env.BENCH_DATABASE_URL
if (!url) throw new Error('BENCH_DATABASE_URL is required')
const sql = postgres(url, { max: 3, onnotice: () => {} })

const parent = serveParent({
  sampleRss: true,
  handlers: {
    /** The backfill with the CLI's defaults (batch 2000, pause 20 ms, health throttle on). */
    backfill: async (arg) => {
      const { batchSize = 2000 } = (arg ?? {}) as { batchSize?: number }
      const started = performance.now()
      const s = await runJob(sql, organizationsBackfill, { batchSize, pauseMs: 20 })
      return { ms: performance.now() - started, walked: s.walked, batches: s.batches, summary: formatBackfillSummary(s.tally) }
    },
    verify: async () => {
      const started = performance.now()
      const { job, report } = organizationsVerify()
      await runJob(sql, job, { checkpoint: false, batchSize: 5000, pauseMs: 0 })
      return { ms: performance.now() - started, checked: report.checked, drifted: report.drifted }
    },
  },
  onStop: () => sql.end({ timeout: 5 }),
})
parent.ready({ url })
