// Phase 2's contract step: voter_file_filter.organization_id NOT NULL and voter_file_filter.campaign_id
// dropped. It refuses until every segment verifies on an organization of its campaign and
// org.voter-filters answers segments by organization for 100 % of organizations (gp-api no longer lists
// them by campaign for anyone); the stage gate (issue 6) is asked on top by the runner (gateFlag).
import type { Sql } from '../db/index.js'
import { FLAG } from '../flags/index.js'
import { runJob } from '../jobs/index.js'
import { formatFilterDrift, voterFiltersVerify } from '../voter-filters/verify.js'
import { configuredFlagStatus, flagCheck, type FlagStatusSource } from './flags.js'
import type { ContractStep, Precondition } from './types.js'

export { configuredFlagStatus, type FlagStatusSource } from './flags.js'

/** Segments created since the precondition was checked get their campaign's organization. */
async function catchUp(sql: Sql, log: (line: string) => void): Promise<void> {
  const r = await sql`
    UPDATE voter_file_filter f SET organization_id = c.organization_id FROM campaign c
    WHERE c.id = f.campaign_id AND f.organization_id IS NULL AND c.organization_id IS NOT NULL`
  log(`catch-up: ${r.count} segments created since the precondition was checked got their campaign's organization`)
}

/** @example CONTRACT_STEPS = [organizationNotNull, voterFilterOrganizationStep()] */
export function voterFilterOrganizationStep({ flagStatus = configuredFlagStatus }: { flagStatus?: FlagStatusSource } = {}): ContractStep {
  return {
    name: 'voter-filter-organization',
    phase: 2,
    summary: 'voter_file_filter.organization_id becomes NOT NULL and voter_file_filter.campaign_id is dropped',
    gateFlag: FLAG.voterFilters,
    async precondition(sql): Promise<Precondition> {
      const { job, report } = voterFiltersVerify()
      await runJob(sql, job, { checkpoint: false, throttle: false, pauseMs: 0, batchSize: 5000 })
      const flag = flagCheck(await flagStatus(), FLAG.voterFilters, 'live')
      const lines = [...formatFilterDrift(report), flag.line]
      if (report.drifted) lines.push('run `npm run backfill -- voter-filters`, then `--verify`, until it is clean')
      if (!flag.ok) lines.push(`roll ${FLAG.voterFilters} out to 100 % live first (runbook: docs/runbook-phase-2.md)`)
      lines.push('prerequisite (not checkable here): nothing that writes segments uses campaign_id any more (gp-api, or phase 3\'s write handlers live)')
      return { ok: report.drifted === 0 && flag.ok, report: lines, counts: { checked: report.checked, drifted: report.drifted } }
    },
    async applied(sql) {
      const [row] = await sql<{ not_null: boolean | null; has_campaign_id: boolean }[]>`
        SELECT (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public.voter_file_filter'::regclass AND attname = 'organization_id' AND NOT attisdropped) AS not_null,
          EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'public.voter_file_filter'::regclass AND attname = 'campaign_id' AND NOT attisdropped) AS has_campaign_id`
      return row?.not_null === true && !row.has_campaign_id
    },
    apply: [
      { name: 'assign the segments created meanwhile', run: catchUp },
      { notNull: { table: 'voter_file_filter', column: 'organization_id' } },
      { file: 'voter-filter-organization.2-drop-campaign-id.sql' },
    ],
    rollback: [
      { file: 'voter-filter-organization.rollback-1-column.sql' },
      { foreignKey: { table: 'voter_file_filter', column: 'campaign_id', references: 'campaign' } },
      { file: 'voter-filter-organization.rollback-2-not-null.sql' },
    ],
  }
}

export const voterFilterOrganization = voterFilterOrganizationStep()
