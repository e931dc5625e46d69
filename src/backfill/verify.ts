// `backfill organizations --verify`: compares every organization with the mapping (mapping.ts) of its
// legacy rows, read-only, in keyset batches, and lists the drift by field path with counts and example
// ids. It uses the TypeScript mapping on purpose: the backfill wrote through the SQL twin, so a clean
// verify also re-proves the two agree on the real data.
import type { TransactionSql } from '../db/index.js'
import { preferIndexProbes, type Job, type JobPart, type Key, type StepResult, type Tally } from '../jobs/index.js'
import { assertLegacySourceLive, FIELD_SPECS, fieldSelectSql, legacyPath, legacyRows, mapLegacyRows, type MappedOrganization, type OrganizationFields } from '../organizations/index.js'

export type DriftExample = { organizationId: string | null; campaignId?: number; officeId?: string; legacy: unknown; organization: unknown }
export type DriftReport = {
  checked: number
  /** Organizations (or rows without one) with at least one drifting path. */
  drifted: number
  /** Up-to-date content whose legacy_synced_at is older than the legacy rows (reconcile refreshes it). */
  stale: number
  /** Organizations phase 3's handlers own (no legacy source): skipped. */
  proxyOwned: number
  paths: Record<string, { count: number; examples: DriftExample[] }>
}

const MAX_EXAMPLES = 5
const FIRST_UUID = '00000000-0000-0000-0000-000000000000'

type OrgColumns = OrganizationFields & { has_org: boolean; owner_id: number | null; kind: string | null; legacy_synced_at: Date | null; proxy_owned: boolean | null }
type Row = OrgColumns & {
  id: number
  user_id: number
  organization_id: string | null
  details: unknown
  updated_at: Date
  has_p2v: boolean
  data: unknown
  p2v_updated_at: Date | null
}

/** A verify job and the report it fills; run it with `checkpoint: false` (it writes nothing). */
export function organizationsVerify(): { job: Job; report: DriftReport } {
  const report: DriftReport = { checked: 0, drifted: 0, stale: 0, proxyOwned: 0, paths: {} }
  const campaigns: JobPart = {
    name: 'verify campaigns',
    step: async (tx, after, ctx) => {
      // After a phase 3 cleanup every organization would "drift" from its emptied legacy rows: refuse.
      await assertLegacySourceLive(tx)
      await preferIndexProbes(tx)
      const [{ hi } = { hi: null }] = await tx<{ hi: number | null }[]>`
        SELECT max(id) AS hi FROM (SELECT id FROM campaign WHERE id > ${Number(after ?? 0)} ORDER BY id LIMIT ${ctx.limit}) AS k`
      if (hi === null) return result(null, 0)
      const rows = await tx<Row[]>`
        SELECT c.id, c.user_id, c.organization_id::text, c.details, c.updated_at AT TIME ZONE 'UTC' AS updated_at,
          p.campaign_id IS NOT NULL AS has_p2v, p.data, p.updated_at AT TIME ZONE 'UTC' AS p2v_updated_at,
          ${orgColumns(tx)}
        FROM campaign c
        -- Both sides bounded to the batch's key range: otherwise the planner may merge-join P2V from its
        -- first row on every batch, which makes the whole walk quadratic.
        LEFT JOIN path_to_victory p ON p.campaign_id = c.id AND p.campaign_id > ${Number(after ?? 0)} AND p.campaign_id <= ${hi}
        LEFT JOIN organization o ON o.id = c.organization_id
        WHERE c.id > ${Number(after ?? 0)} AND c.id <= ${hi} ORDER BY c.id`
      for (const r of rows) check(report, r, mapLegacyRows(legacyRows(r)), { campaignId: r.id })
      return result(rows.at(-1)?.id ?? null, rows.length)
    },
  }
  const offices: JobPart = {
    name: 'verify elected offices',
    step: async (tx, after, ctx) => {
      // After a phase 3 cleanup every organization would "drift" from its emptied legacy rows: refuse.
      await assertLegacySourceLive(tx)
      await preferIndexProbes(tx)
      const rows = await tx<(Row & { office_id: string; office_user_id: number; campaign_id: number | null; office_updated_at: Date })[]>`
        SELECT e.id::text AS office_id, e.user_id AS office_user_id, e.campaign_id, e.organization_id::text,
          e.updated_at AT TIME ZONE 'UTC' AS office_updated_at,
          c.id, c.user_id, c.details, c.updated_at AT TIME ZONE 'UTC' AS updated_at,
          p.campaign_id IS NOT NULL AS has_p2v, p.data, p.updated_at AT TIME ZONE 'UTC' AS p2v_updated_at,
          ${orgColumns(tx)}
        FROM elected_office e LEFT JOIN campaign c ON c.id = e.campaign_id LEFT JOIN path_to_victory p ON p.campaign_id = c.id
        LEFT JOIN organization o ON o.id = e.organization_id
        WHERE e.id > ${String(after ?? FIRST_UUID)}::uuid ORDER BY e.id LIMIT ${ctx.limit}`
      for (const r of rows) {
        const mapped = mapLegacyRows({
          ...legacyRows(r),
          electedOffice: { id: r.office_id, userId: r.office_user_id, campaignId: r.campaign_id, updatedAt: r.office_updated_at },
        })
        check(report, r, mapped, { officeId: r.office_id })
      }
      return result(rows.at(-1)?.office_id ?? null, rows.length)
    },
  }
  return { job: { name: 'verify:organizations', parts: [campaigns, offices] }, report }
}

function orgColumns(tx: TransactionSql) {
  return tx`o.id IS NOT NULL AS has_org, o.owner_id, o.kind, ${tx.unsafe(fieldSelectSql('o'))}, o.legacy_synced_at, o.proxy_owned`
}

function result(last: Key | null, walked: number): StepResult {
  const tally: Tally = {}
  return { last, walked, tally }
}

function check(report: DriftReport, r: Row, want: MappedOrganization, ids: { campaignId?: number; officeId?: string }): void {
  // Written by a phase 3 handler: no legacy row says what it should hold, so there is nothing to verify.
  if (r.proxy_owned) {
    report.proxyOwned++
    return
  }
  report.checked++
  const found: [string, unknown, unknown][] = []
  if (!r.organization_id || !r.has_org) found.push(['organization (missing)', null, null])
  else {
    if (r.owner_id !== want.ownerId) found.push(['owner_id (user_id)', want.ownerId, r.owner_id])
    if (r.kind !== want.kind) found.push(['kind', want.kind, r.kind])
    for (const f of FIELD_SPECS) if (r[f.column] !== want.fields[f.column]) found.push([`${f.column} (${legacyPath(f)})`, want.fields[f.column], r[f.column]])
    if (!found.length && (r.legacy_synced_at?.getTime() ?? null) !== (want.legacySyncedAt?.getTime() ?? null)) report.stale++
  }
  if (!found.length) return
  report.drifted++
  for (const [path, legacy, organization] of found) {
    const entry = (report.paths[path] ??= { count: 0, examples: [] })
    entry.count++
    if (entry.examples.length < MAX_EXAMPLES) entry.examples.push({ organizationId: r.organization_id, ...ids, legacy, organization })
  }
}

/** The report as lines for a terminal. */
export function formatDrift(report: DriftReport): string[] {
  const lines = [`verify: ${report.checked} checked, ${report.drifted} drifted, ${report.stale} stale (content equal, legacy_synced_at behind)${report.proxyOwned ? `, ${report.proxyOwned} written by phase 3 handlers (no legacy source, skipped)` : ''}`]
  const paths = Object.entries(report.paths).sort((a, b) => b[1].count - a[1].count)
  for (const [path, { count, examples }] of paths) {
    lines.push(`  ${path}: ${count}`)
    for (const e of examples) {
      const where = e.campaignId !== undefined ? `campaign ${e.campaignId}` : `office ${e.officeId}`
      lines.push(`    ${where} · organization ${e.organizationId ?? '(none)'} · legacy ${JSON.stringify(e.legacy)} · organization ${JSON.stringify(e.organization)}`)
    }
  }
  if (!paths.length) lines.push('  no drift')
  return lines
}
