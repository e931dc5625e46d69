// Reading replay runs back: a run's summary and what each replayed request answered, for the CLI's
// report, the page's list and the gate's "fixed and verified" check.
import type { Sql } from 'postgres'

export type ReplayRun = {
  id: number
  route: string | null
  signature: string | null
  maxRequests: number
  markId: number | null
  requestedBy: string
  requestedAt: Date
  status: 'queued' | 'running' | 'done' | 'failed'
  startedAt: Date | null
  finishedAt: Date | null
  total: number
  matched: number
  stillDiffer: number
  failed: number
  skipped: number
  error: string | null
}

export type ReplayItem = {
  comparisonId: number
  route: string
  method: string
  path: string
  query: string
  organizationId: string | null
  userId: number | null
  wasSignature: string | null
  outcome: string
  signature: string | null
  signatureKeys: string[] | null
  legacyStatus: number | null
  newStatus: number | null
  error: string | null
  /** Match, or only expected differences. */
  nowMatches: boolean
}

export type ReplayRunReport = ReplayRun & { items: ReplayItem[] }

type RunRow = {
  id: string; route: string | null; signature: string | null; max_requests: number; mark_id: string | null; requested_by: string; requested_at: Date
  status: ReplayRun['status']; started_at: Date | null; finished_at: Date | null; total: number; matched: number; still_differ: number; failed: number; skipped: number; error: string | null
}

const toRun = (r: RunRow): ReplayRun => ({
  id: Number(r.id), route: r.route, signature: r.signature, maxRequests: r.max_requests, markId: r.mark_id === null ? null : Number(r.mark_id),
  requestedBy: r.requested_by, requestedAt: r.requested_at, status: r.status, startedAt: r.started_at, finishedAt: r.finished_at,
  total: r.total, matched: r.matched, stillDiffer: r.still_differ, failed: r.failed, skipped: r.skipped, error: r.error,
})

/** A run with its items (null when there is no such run). */
export async function readRun(sql: Sql, id: number): Promise<ReplayRunReport | null> {
  const [run] = await sql<RunRow[]>`select * from org_proxy.replay_run where id = ${id}`
  if (!run) return null
  const items = await sql<{ comparison_id: string; route: string; method: string; path: string; query: string; organization_id: string | null; user_id: number | null; was_signature: string | null; outcome: string; signature: string | null; signature_keys: string[] | null; legacy_status: number | null; new_status: number | null; error: string | null }[]>`
    select * from org_proxy.replay_item where run_id = ${id} order by comparison_id desc`
  return {
    ...toRun(run),
    items: items.map((i) => ({
      comparisonId: Number(i.comparison_id), route: i.route, method: i.method, path: i.path, query: i.query,
      organizationId: i.organization_id, userId: i.user_id, wasSignature: i.was_signature, outcome: i.outcome,
      signature: i.signature, signatureKeys: i.signature_keys, legacyStatus: i.legacy_status, newStatus: i.new_status,
      error: i.error, nowMatches: i.outcome === 'match' || i.outcome === 'expected',
    })),
  }
}

/** The newest runs, of one route or all. */
export async function recentRuns(sql: Sql, route?: string, limit = 10): Promise<ReplayRun[]> {
  const rows = await sql<RunRow[]>`
    select * from org_proxy.replay_run ${route ? sql`where route = ${route}` : sql``} order by id desc limit ${limit}`
  return rows.map(toRun)
}
