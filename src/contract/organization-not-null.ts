// Phase 1's contract step: campaign.organization_id and elected_office.organization_id NOT NULL, once
// every campaign and office has an organization. New rows get one from an insert trigger first, so
// gp-api's inserts (which know nothing of organizations) keep working under the constraint.
import type { Sql } from '../db/index.js'
import { syncOrganizations } from '../organizations/index.js'
import type { ContractStep } from './types.js'

async function missing(sql: Sql): Promise<{ campaigns: number; offices: number }> {
  const [row] = await sql<{ campaigns: string; offices: string }[]>`
    SELECT (SELECT count(*) FROM campaign WHERE organization_id IS NULL) AS campaigns,
           (SELECT count(*) FROM elected_office WHERE organization_id IS NULL) AS offices`
  return { campaigns: Number(row!.campaigns), offices: Number(row!.offices) }
}

/** Links the rows inserted between the precondition and the trigger (a handful at most). */
async function catchUp(sql: Sql, log: (line: string) => void): Promise<void> {
  for (;;) {
    const campaigns = await sql<{ id: number }[]>`SELECT id FROM campaign WHERE organization_id IS NULL ORDER BY id LIMIT 500`
    const offices = await sql<{ id: string }[]>`SELECT e.id::text FROM elected_office e WHERE e.organization_id IS NULL ORDER BY e.id LIMIT 500`
    if (!campaigns.length && !offices.length) return
    const r = await syncOrganizations(sql, { campaignIds: campaigns.map((c) => c.id), officeIds: offices.map((o) => o.id) }, { withOffices: false })
    log(`catch-up: linked ${r.created} organizations created since the precondition was checked`)
  }
}

export const organizationNotNull: ContractStep = {
  name: 'organization-not-null',
  phase: 1,
  summary: 'campaign.organization_id and elected_office.organization_id become NOT NULL (new rows get an organization at insert)',
  gateFlag: 'org.dual-write',
  async precondition(sql) {
    const m = await missing(sql)
    const ok = m.campaigns === 0 && m.offices === 0
    const report = [`campaigns without an organization: ${m.campaigns}`, `elected offices without an organization: ${m.offices}`]
    if (!ok) report.push('run `npm run backfill -- organizations` (with org.dual-write on), then this step again')
    return { ok, report, counts: m }
  },
  async applied(sql) {
    const rows = await sql<{ attnotnull: boolean }[]>`
      SELECT attnotnull FROM pg_attribute
      WHERE attrelid IN ('public.campaign'::regclass, 'public.elected_office'::regclass) AND attname = 'organization_id'`
    return rows.length === 2 && rows.every((r) => r.attnotnull)
  },
  apply: [
    { file: 'organization-not-null.1-trigger.sql' },
    { name: 'link the rows inserted meanwhile', run: catchUp },
    { notNull: { table: 'campaign', column: 'organization_id' } },
    { notNull: { table: 'elected_office', column: 'organization_id' } },
  ],
  rollback: [{ file: 'organization-not-null.rollback.sql' }],
}
