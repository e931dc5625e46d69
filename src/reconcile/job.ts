// The reconcile job: walks campaigns and elected offices in keyset batches, finds the organizations that
// are missing or older than their legacy rows (quick: timestamps, owner, kind; deep: also the content,
// through the SQL mapping, which catches writes that never bumped updated_at), and repairs them through
// the TypeScript mapping (syncOrganizations) in the same transaction.
import type { TransactionSql } from '../db/index.js'
import { preferIndexProbes, type Job, type JobPart, type Key, type StepResult, type Tally } from '../jobs/index.js'
import { assertLegacySourceLive, FIELD_SPECS, mappingLateral, syncOrganizations, syncedAtSql, type OrganizationChange } from '../organizations/index.js'

export type ReconcileMode = 'quick' | 'deep'

export type RepairExample = { organizationId: string; campaignId?: number; officeId?: string; created: boolean; changed: string[] }

const FIRST_UUID = '00000000-0000-0000-0000-000000000000'
const MAX_EXAMPLES = 20

const contentDiffers = `(${FIELD_SPECS.map((f) => `om_v.${f.column}`).join(', ')}) IS DISTINCT FROM (${FIELD_SPECS.map((f) => `o.${f.column}`).join(', ')})`

function campaignsStaleSql(mode: ReconcileMode): string {
  return `
    WITH batch AS MATERIALIZED (
      SELECT max(id) AS hi, count(*) AS n FROM (SELECT id FROM campaign WHERE id > $1::int ORDER BY id LIMIT $2::int) AS k)
    SELECT (SELECT hi FROM batch) AS last, (SELECT n FROM batch)::int AS walked,
      coalesce((SELECT array_agg(c.id ORDER BY c.id)
        FROM campaign c
        LEFT JOIN path_to_victory p ON p.campaign_id = c.id AND p.campaign_id > $1::int AND p.campaign_id <= (SELECT hi FROM batch)
        LEFT JOIN organization o ON o.id = c.organization_id
        ${mode === 'deep' ? mappingLateral({ details: 'c.details', data: 'p.data', orphan: 'false' }) : ''}
        WHERE c.id > $1::int AND c.id <= (SELECT hi FROM batch)
          -- A phase 3 organization has no legacy source: nothing to repair it from.
          AND NOT coalesce(o.proxy_owned, false)
          AND (o.id IS NULL OR o.kind <> 'win' OR o.owner_id <> c.user_id
            OR o.legacy_synced_at IS DISTINCT FROM ${syncedAtSql('c.updated_at', 'p.updated_at')}
            ${mode === 'deep' ? `OR ${contentDiffers}` : ''})), '{}') AS stale`
}

function officesStaleSql(mode: ReconcileMode): string {
  return `
    WITH keys AS MATERIALIZED (SELECT id FROM elected_office WHERE id > $1::uuid ORDER BY id LIMIT $2::int),
    batch AS MATERIALIZED (SELECT (SELECT k.id FROM keys k ORDER BY k.id DESC LIMIT 1) AS hi, (SELECT count(*) FROM keys) AS n)
    SELECT (SELECT hi::text FROM batch) AS last, (SELECT n FROM batch)::int AS walked,
      coalesce((SELECT array_agg(e.id::text ORDER BY e.id)
        FROM elected_office e LEFT JOIN campaign c ON c.id = e.campaign_id LEFT JOIN path_to_victory p ON p.campaign_id = c.id
        LEFT JOIN organization o ON o.id = e.organization_id
        ${mode === 'deep' ? mappingLateral({ details: 'c.details', data: 'p.data', orphan: 'c.id IS NULL' }) : ''}
        WHERE e.id > $1::uuid AND e.id <= (SELECT hi FROM batch)
          -- A phase 3 organization has no legacy source: nothing to repair it from.
          AND NOT coalesce(o.proxy_owned, false)
          AND (o.id IS NULL OR o.kind <> 'serve' OR o.owner_id <> e.user_id
            OR o.legacy_synced_at IS DISTINCT FROM ${syncedAtSql('e.updated_at', 'c.updated_at', 'p.updated_at')}
            ${mode === 'deep' ? `OR ${contentDiffers}` : ''})), '{}') AS stale`
}

type StaleRow = { last: Key | null; walked: number; stale: (number | string)[] }

/** A reconcile job and the examples of what it repaired (this runner's share). */
export function reconcileJob(mode: ReconcileMode): { job: Job; examples: RepairExample[] } {
  const examples: RepairExample[] = []
  const part = (name: string, text: string, first: Key, kind: 'campaign' | 'office'): JobPart => ({
    name,
    step: async (tx: TransactionSql, after, ctx): Promise<StepResult> => {
      // Every batch: a cleanup step may start while a pass runs (its SQL names the removed data).
      await assertLegacySourceLive(tx)
      await preferIndexProbes(tx)
      const [row] = await tx.unsafe<StaleRow[]>(text, [after ?? first, ctx.limit], { prepare: true })
      const stale = row?.stale ?? []
      const tally: Tally = { examined: row?.walked ?? 0 }
      if (stale.length) {
        // Offices are their own part: a campaign's repair must not repeat theirs in this run.
        const result = await syncOrganizations(
          tx,
          kind === 'campaign' ? { campaignIds: stale.map(Number) } : { officeIds: stale.map(String) },
          { withOffices: false },
        )
        countChanges(tally, result.changes, examples)
      }
      return { last: row?.last ?? null, walked: row?.walked ?? 0, tally }
    },
  })
  const job: Job = {
    name: mode === 'deep' ? 'reconcile:organizations:deep' : 'reconcile:organizations',
    parts: [part('campaigns', campaignsStaleSql(mode), 0, 'campaign'), part('elected offices', officesStaleSql(mode), FIRST_UUID, 'office')],
  }
  return { job, examples }
}

function countChanges(tally: Tally, changes: OrganizationChange[], examples: RepairExample[]): void {
  for (const c of changes) {
    const key = c.created ? 'created' : c.changed.length ? 'updated' : 'refreshed'
    tally[key] = (tally[key] ?? 0) + 1
    for (const column of c.changed) tally[`changed:${column}`] = (tally[`changed:${column}`] ?? 0) + 1
    if (key !== 'refreshed' && examples.length < MAX_EXAMPLES)
      examples.push({
        organizationId: c.organizationId,
        ...(c.campaignId !== undefined ? { campaignId: c.campaignId } : {}),
        ...(c.officeId !== undefined ? { officeId: c.officeId } : {}),
        created: c.created,
        changed: c.changed,
      })
  }
}
