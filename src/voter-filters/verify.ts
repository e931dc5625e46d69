// `npm run backfill -- voter-filters --verify`: checks, read-only and in keyset batches, that every
// segment belongs to an organization of its own campaign and owner, and lists what does not, with
// counts and example ids. The contract step runs the same check and refuses unless it comes back clean.
import type { Job, JobPart, Key } from '../jobs/index.js'
import { officeCampaignId } from './sql.js'

export type FilterDriftExample = { filterId: number; campaignId: number; organizationId: string | null }
export type FilterDriftReport = {
  checked: number
  drifted: number
  /** Per problem: `organization missing`, `organization of another campaign`, `organization of another owner`. */
  problems: Record<string, { count: number; examples: FilterDriftExample[] }>
}

const MAX_EXAMPLES = 5

type Row = { id: number; campaign_id: number; organization_id: string | null; owner_ok: boolean | null; in_campaign: boolean | null }

/** A verify job and the report it fills; run it with `checkpoint: false` (it writes nothing). */
export function voterFiltersVerify(): { job: Job; report: FilterDriftReport } {
  const report: FilterDriftReport = { checked: 0, drifted: 0, problems: {} }
  const part: JobPart = {
    name: 'verify voter filters',
    step: async (tx, after, ctx) => {
      const rows = await tx<Row[]>`
        SELECT f.id, f.campaign_id, f.organization_id::text,
          o.owner_id = c.user_id AS owner_ok,
          (f.organization_id = c.organization_id OR EXISTS (
            SELECT 1 FROM elected_office e WHERE e.organization_id = f.organization_id AND ${tx.unsafe(officeCampaignId('e'))} = f.campaign_id)) AS in_campaign
        FROM voter_file_filter f
        JOIN campaign c ON c.id = f.campaign_id
        LEFT JOIN organization o ON o.id = f.organization_id
        WHERE f.id > ${Number(after ?? 0)} ORDER BY f.id LIMIT ${ctx.limit}`
      for (const r of rows) check(report, r)
      const last: Key | null = rows.at(-1)?.id ?? null
      return { last, walked: rows.length }
    },
  }
  return { job: { name: 'verify:voter-filters', parts: [part] }, report }
}

function check(report: FilterDriftReport, r: Row): void {
  report.checked++
  const problem = !r.organization_id
    ? 'organization missing'
    : !r.in_campaign
      ? 'organization of another campaign'
      : !r.owner_ok
        ? 'organization of another owner'
        : null
  if (!problem) return
  report.drifted++
  const entry = (report.problems[problem] ??= { count: 0, examples: [] })
  entry.count++
  if (entry.examples.length < MAX_EXAMPLES) entry.examples.push({ filterId: r.id, campaignId: r.campaign_id, organizationId: r.organization_id })
}

/** The report as lines for a terminal. */
export function formatFilterDrift(report: FilterDriftReport): string[] {
  const lines = [`verify: ${report.checked} segments checked, ${report.drifted} not on an organization of their campaign`]
  for (const [problem, { count, examples }] of Object.entries(report.problems).sort((a, b) => b[1].count - a[1].count)) {
    lines.push(`  ${problem}: ${count}`)
    for (const e of examples) lines.push(`    segment ${e.filterId} · campaign ${e.campaignId} · organization ${e.organizationId ?? '(none)'}`)
  }
  if (!report.drifted) lines.push('  no drift')
  return lines
}
