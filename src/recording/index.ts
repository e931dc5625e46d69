// Comparison outcomes go to PostgreSQL in batches, off the request path: the request only pushes to
// an in-memory queue; a timer writes many rows per statement. A full queue or a failed write drops
// rows and counts them; it never slows down or fails a client's request.
import type { Sql } from 'postgres'
import type { Logger } from '../ops/logger.js'
import type { Metrics } from '../ops/metrics.js'

export type OutcomeRecord = {
  at?: Date
  route: string
  flag: string
  stage: 'off' | 'shadow' | 'live'
  origin: 'shadow' | 'verify' | 'noise' | 'replay'
  outcome: 'match' | 'mismatch' | 'expected' | 'new-error' | 'legacy-error' | 'timeout' | 'skipped'
  skip_cause?: string | null
  legacy_status?: number | null
  new_status?: number | null
  legacy_ms?: number | null
  new_ms?: number | null
  organization_id?: string | null
  user_id?: number | null
  method: string
  path: string
  query?: string
  request_id?: string | null
  signature?: string | null
  signature_keys?: string[] | null
  /** Already redacted: only storedComparison() output goes here. */
  differences?: unknown
  error?: string | null
}

export type Recorder = {
  record(row: OutcomeRecord): void
  flush(): Promise<void>
  /** Deletes what the retention bound no longer keeps; returns how many rows went. */
  prune(): Promise<number>
  close(): Promise<void>
}

const COLUMNS = [
  'at', 'route', 'flag', 'stage', 'origin', 'outcome', 'skip_cause', 'legacy_status', 'new_status', 'legacy_ms', 'new_ms',
  'organization_id', 'user_id', 'method', 'path', 'query', 'request_id', 'signature', 'signature_keys', 'differences', 'error',
] as const

/**
 * @example const recorder = createRecorder({ sql, metrics, log }); recorder.record({ route, ... })
 */
export function createRecorder(opts: {
  sql: Sql
  metrics: Metrics
  log: Logger
  batchSize?: number
  flushMs?: number
  maxQueue?: number
  retentionDays?: number
  maxRows?: number
  pruneEveryMs?: number
}): Recorder {
  const { sql, metrics, log } = opts
  const batchSize = opts.batchSize ?? 500
  const maxQueue = opts.maxQueue ?? 20_000
  let queue: OutcomeRecord[] = []
  let writing: Promise<void> | null = null
  let closed = false

  async function writeBatch(rows: OutcomeRecord[]): Promise<void> {
    const values = rows.map((r) => {
      const row: Record<string, unknown> = {}
      for (const c of COLUMNS) row[c] = (r as Record<string, unknown>)[c] ?? null
      row.at ??= new Date()
      row.query ??= ''
      row.differences = row.differences === null ? null : sql.json(row.differences as never)
      return row
    })
    await sql`insert into org_proxy.comparison ${sql(values, ...COLUMNS)}`
  }

  async function drain(): Promise<void> {
    while (queue.length) {
      const rows = queue.slice(0, batchSize)
      queue = queue.slice(rows.length)
      try {
        await writeBatch(rows)
      } catch (err) {
        metrics.secondary('recording', 'write-failed')
        metrics.secondaryFailures.labels('recording', 'rows-lost').inc(rows.length)
        log.error({ err, rows: rows.length }, 'recording comparison outcomes failed; rows dropped')
        return
      }
    }
  }

  function flush(): Promise<void> {
    if (writing) return writing.then(() => (queue.length ? flush() : undefined))
    if (!queue.length) return Promise.resolve()
    writing = drain().finally(() => {
      writing = null
    })
    return writing
  }

  const timer = setInterval(() => void flush(), opts.flushMs ?? 1000)
  timer.unref()

  async function prune(): Promise<number> {
    const days = opts.retentionDays ?? 14
    const maxRows = opts.maxRows ?? 2_000_000
    const old = await sql`delete from org_proxy.comparison where at < now() - make_interval(days => ${days})`
    const over = await sql`
      delete from org_proxy.comparison
      where id < (select id from org_proxy.comparison order by id desc offset ${maxRows} limit 1)`
    return old.count + over.count
  }
  const pruneTimer = setInterval(() => {
    prune().catch((err) => {
      metrics.secondary('recording', 'prune-failed')
      log.warn({ err }, 'pruning comparison outcomes failed')
    })
  }, opts.pruneEveryMs ?? 10 * 60_000)
  pruneTimer.unref()

  return {
    record(row) {
      if (closed || queue.length >= maxQueue) {
        metrics.secondaryFailures.labels('recording', 'queue-full').inc()
        return
      }
      queue.push(row)
      if (queue.length >= batchSize) void flush()
    },
    flush,
    prune,
    async close() {
      closed = true
      clearInterval(timer)
      clearInterval(pruneTimer)
      await flush()
    },
  }
}
