// `npm run backfill -- voter-filters`: sets organization_id on every segment that has none, to its
// campaign's `win` organization, in set-based keyset batches on the one job runner (resumable,
// throttled, idempotent: a segment that has an organization is never touched again).
//
// Segments of a campaign that also has `serve` organizations are not copied (the legacy team copied them
// to each organization): while gp-api still lists segments by campaign_id, a copy would show twice in its
// list and drift from its original when edited. The organizations of one campaign share its segments
// instead (see sql.ts), and the tally counts those campaigns' segments (`shared-with-serve`).
import type { Sql, TransactionSql } from '../db/index.js'
import type { Job, JobPart, Key, StepResult, Tally } from '../jobs/index.js'
import { officeCampaignId } from './sql.js'
import { formatFilterDrift, voterFiltersVerify } from './verify.js'

export const VOTER_FILTERS_BACKFILL = 'backfill:voter-filters'

/**
 * Tally: `assigned` (to the campaign's win organization), `shared-with-serve` (of those, segments of a
 * campaign that also has serve organizations), `campaign-without-organization` (left NULL: run the
 * organization backfill first), `already-assigned` (skipped).
 */
const BATCH = `
  WITH batch AS MATERIALIZED (
    SELECT id FROM voter_file_filter WHERE id > $1::int ORDER BY id LIMIT $2::int
  ), target AS MATERIALIZED (
    -- Locked and re-checked after any wait: a segment the write path assigned meanwhile is skipped.
    SELECT f.id, c.organization_id AS org_id,
      EXISTS (SELECT 1 FROM elected_office e WHERE e.user_id = c.user_id AND ${officeCampaignId('e')} = c.id AND e.organization_id IS NOT NULL) AS shared
    FROM voter_file_filter f JOIN campaign c ON c.id = f.campaign_id
    WHERE f.id IN (SELECT id FROM batch) AND f.organization_id IS NULL
    ORDER BY f.id FOR UPDATE OF f
  ), upd AS (
    UPDATE voter_file_filter f SET organization_id = t.org_id FROM target t
    WHERE f.id = t.id AND t.org_id IS NOT NULL
  )
  SELECT (SELECT max(id) FROM batch) AS last, (SELECT count(*) FROM batch)::int AS walked,
    (SELECT count(*) FROM target WHERE org_id IS NOT NULL)::int AS assigned,
    (SELECT count(*) FROM target WHERE org_id IS NOT NULL AND shared)::int AS shared,
    (SELECT count(*) FROM target WHERE org_id IS NULL)::int AS orphaned,
    (SELECT count(*) FROM batch)::int - (SELECT count(*) FROM target)::int AS skipped`

type BatchRow = { last: number | null; walked: number; assigned: number; shared: number; orphaned: number; skipped: number }

async function step(tx: TransactionSql, after: Key | null, limit: number): Promise<StepResult> {
  const [row] = await tx.unsafe<BatchRow[]>(BATCH, [Number(after ?? 0), limit], { prepare: true })
  const tally: Tally = {}
  const add = (k: string, n: number | undefined) => n && (tally[k] = n)
  add('assigned', row?.assigned)
  add('shared-with-serve', row?.shared)
  add('campaign-without-organization', row?.orphaned)
  add('already-assigned', row?.skipped)
  return { last: row?.last ?? null, walked: row?.walked ?? 0, tally }
}

export const voterFiltersPart: JobPart = {
  name: 'voter filters',
  count: async (sql: Sql) => Number((await sql<{ n: string }[]>`SELECT count(*) AS n FROM voter_file_filter`)[0]!.n),
  step: (tx, after, ctx) => step(tx, after, ctx.limit),
}

/** @example await runJob(sql, voterFiltersBackfill, { batchSize: 5000 }) */
export const voterFiltersBackfill: Job = { name: VOTER_FILTERS_BACKFILL, parts: [voterFiltersPart] }

/** The backfill's summary for people. */
export function formatVoterFiltersSummary(tally: Tally, opts: { dryRun?: boolean } = {}): string[] {
  const n = (k: string) => tally[k] ?? 0
  return [
    `segments ${opts.dryRun ? 'that would be assigned' : 'assigned'} to their campaign's win organization: ${n('assigned')}`,
    `  of which shared with the campaign's serve organizations: ${n('shared-with-serve')} (not copied; see README)`,
    `segments whose campaign has no organization yet (left unassigned; run the organizations backfill): ${n('campaign-without-organization')}`,
    `segments already assigned (skipped): ${n('already-assigned')}`,
  ]
}

/**
 * The backfill as `npm run backfill -- voter-filters` runs it: the job, its summary, and its verify.
 * @example npm run backfill -- voter-filters --verify
 */
export const voterFiltersBackfillCommand = {
  job: voterFiltersBackfill,
  summary: formatVoterFiltersSummary,
  verify: () => {
    const v = voterFiltersVerify()
    return { job: v.job, lines: () => formatFilterDrift(v.report), drifted: () => v.report.drifted }
  },
}
