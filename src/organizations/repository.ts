// Brings organizations up to date from their legacy rows through the one mapping, in one transaction:
// the write path that dual writes, the outbox, reconcile and the contract step's catch-up all share.
// Ordering makes concurrent syncs safe: the organization rows are locked (in id order) before the
// legacy rows are read, so of two syncs of one campaign the later one reads the later legacy write,
// and an organization never ends older than the last legacy write that preceded its sync.
import type { Sql, SqlOrTx, TransactionSql } from '../db/index.js'
import { FIELD_COLUMNS, type FieldColumn, type OrganizationFields, type OrganizationKind, type Outcome } from './fields.js'
import { FIELD_ASSIGN_SQL, FIELD_TYPES_SQL, fieldSelectSql } from './columns.js'
import { readCampaigns, readOffices } from './legacy-read.js'
import { assertLegacySourceLive } from './retired.js'
import { linkMissingCampaigns, linkMissingOffices } from './link.js'
import type { MappedOrganization } from './mapping.js'

export { legacyRows } from './legacy-read.js'

export type SyncTargets = { campaignIds?: readonly number[]; officeIds?: readonly string[] }

export type OrganizationChange = {
  organizationId: string
  kind: OrganizationKind
  campaignId?: number
  officeId?: string
  /** The organization was created (and linked) by this sync. */
  created: boolean
  /** Columns whose value changed ('owner_id', 'kind' and the legacy-sourced ones). */
  changed: string[]
  outcome: Outcome
}

export type SyncResult = { organizationIds: string[]; created: number; updated: number; unchanged: number; changes: OrganizationChange[] }

export type SyncOptions = {
  /** Also sync the offices whose campaign is among the targets: they mirror its BR+L2 (default true). */
  withOffices?: boolean
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Creates, links and updates the organizations of the given campaigns and elected offices.
 * @example await syncOrganizations(sql, { campaignIds: [42] })
 */
export async function syncOrganizations(db: SqlOrTx, targets: SyncTargets, opts: SyncOptions = {}): Promise<SyncResult> {
  if ('savepoint' in db) return syncIn(db, targets, opts)
  return (db as Sql).begin((tx) => syncIn(tx, targets, opts)) as Promise<SyncResult>
}

async function syncIn(tx: TransactionSql, targets: SyncTargets, opts: SyncOptions): Promise<SyncResult> {
  const campaignIds = uniqueSorted((targets.campaignIds ?? []).filter((id) => Number.isInteger(id) && id > 0 && id <= 2147483647))
  const askedOffices = uniqueSorted((targets.officeIds ?? []).filter((id) => UUID.test(id)).map((id) => id.toLowerCase()))
  if (!campaignIds.length && !askedOffices.length) return { organizationIds: [], created: 0, updated: 0, unchanged: 0, changes: [] }
  // One round trip says which offices mirror the campaigns and which rows still lack an organization
  // (most syncs find none missing and skip the linking statements).
  // Phase 3 guard first (pipelined with the links: no extra round trip): once a cleanup step emptied the
  // legacy keys, mapping them would wipe the organization.
  const [, links] = await Promise.all([assertLegacySourceLive(tx), tx<{ kind: 'c' | 'e'; id: string; missing: boolean }[]>`
    SELECT 'c' AS kind, c.id::text AS id, c.organization_id IS NULL AS missing FROM campaign c WHERE c.id = ANY(${campaignIds}::int[])
    UNION ALL
    SELECT 'e', e.id::text, e.organization_id IS NULL FROM elected_office e
    WHERE e.id = ANY(${askedOffices}::uuid[]) ${opts.withOffices === false ? tx`` : tx`OR e.campaign_id = ANY(${campaignIds}::int[])`}`])
  const officeIds = uniqueSorted(links.filter((l) => l.kind === 'e').map((l) => l.id))
  const missingCampaigns = links.filter((l) => l.kind === 'c' && l.missing).map((l) => Number(l.id))
  const missingOffices = links.filter((l) => l.kind === 'e' && l.missing).map((l) => l.id)
  const created = new Set([...(await linkMissingCampaigns(tx, uniqueSorted(missingCampaigns))), ...(await linkMissingOffices(tx, uniqueSorted(missingOffices)))])
  // Sent together (one round trip) but run in order on this connection: each read statement takes its
  // snapshot only after the lock statement has its locks, so it sees every legacy write committed
  // before that (what a concurrent sync of the same organization committed included).
  const [current, campaigns, offices] = await Promise.all([
    lockOrganizations(tx, campaignIds, officeIds),
    readCampaigns(tx, campaignIds),
    readOffices(tx, officeIds),
  ])
  const wanted = [...campaigns, ...offices]

  const changes: OrganizationChange[] = []
  const writes: Record<string, unknown>[] = []
  for (const w of wanted) {
    const before = current.get(w.organizationId)
    if (!before) continue // unlinked by someone else between our statements: the next sync picks it up
    // Made by a phase 3 handler (an office without campaign, a New Campaign): its rows are no source for it.
    if (before.proxy_owned) continue
    const changed = diff(before, w.mapped)
    const syncedChanged = (before.legacy_synced_at?.getTime() ?? null) !== (w.mapped.legacySyncedAt?.getTime() ?? null)
    changes.push({
      organizationId: w.organizationId,
      kind: w.mapped.kind,
      ...(w.campaignId !== undefined ? { campaignId: w.campaignId } : {}),
      ...(w.officeId !== undefined ? { officeId: w.officeId } : {}),
      created: created.has(w.organizationId),
      changed,
      outcome: w.mapped.outcome,
    })
    if (changed.length || syncedChanged) writes.push(toRecord(w.organizationId, w.mapped))
  }
  if (writes.length) await writeOrganizations(tx, writes)
  const createdCount = changes.filter((c) => c.created).length
  return {
    organizationIds: changes.map((c) => c.organizationId),
    created: createdCount,
    updated: changes.filter((c) => !c.created && c.changed.length).length,
    unchanged: changes.filter((c) => !c.created && !c.changed.length).length,
    changes,
  }
}

/** An organization's stored owner, kind, legacy-sourced columns and sync time, as lockOrganizations reads them. */
export type CurrentRow = OrganizationFields & { id: string; owner_id: number; kind: OrganizationKind; legacy_synced_at: Date | null; proxy_owned: boolean }

/**
 * Locks (in id order) and reads the organizations of the given campaigns and offices. Exported for phase 3's
 * key move (src/org-writes), which must compare and write exactly as this sync does.
 */
export async function lockOrganizations(tx: TransactionSql, campaignIds: number[], officeIds: string[]): Promise<Map<string, CurrentRow>> {
  const rows = await tx<CurrentRow[]>`
    SELECT o.id::text, o.owner_id, o.kind, ${tx.unsafe(fieldSelectSql('o'))}, o.legacy_synced_at, o.proxy_owned
    FROM organization o
    WHERE o.id IN (
      SELECT organization_id FROM campaign WHERE id = ANY(${campaignIds}::int[])
      UNION ALL SELECT organization_id FROM elected_office WHERE id = ANY(${officeIds}::uuid[]))
    ORDER BY o.id FOR UPDATE OF o`
  return new Map(rows.map((r) => [r.id, r]))
}

/** Columns whose stored value differs from the mapped one. */
export function diff(before: CurrentRow, mapped: MappedOrganization): string[] {
  const changed: string[] = []
  if (before.owner_id !== mapped.ownerId) changed.push('owner_id')
  if (before.kind !== mapped.kind) changed.push('kind')
  for (const c of FIELD_COLUMNS as FieldColumn[]) if (before[c] !== mapped.fields[c]) changed.push(c)
  return changed
}

/** The row writeOrganizations takes for a mapped organization. */
export function toRecord(id: string, m: MappedOrganization): Record<string, unknown> {
  return { id, owner_id: m.ownerId, kind: m.kind, ...m.fields, legacy_synced_at: m.legacySyncedAt?.toISOString() ?? null }
}

/** Writes mapped organizations: owner, kind, every legacy-sourced column, legacy_synced_at; updated_at = now(). */
export async function writeOrganizations(tx: TransactionSql, records: Record<string, unknown>[]): Promise<void> {
  await tx`
    UPDATE organization o SET owner_id = v.owner_id, kind = v.kind, ${tx.unsafe(FIELD_ASSIGN_SQL)},
      legacy_synced_at = v.legacy_synced_at, updated_at = now()
    FROM jsonb_to_recordset(${tx.json(records as never)}::jsonb)
      AS v(id uuid, owner_id integer, kind text, ${tx.unsafe(FIELD_TYPES_SQL)}, legacy_synced_at timestamptz)
    WHERE o.id = v.id`
}

function uniqueSorted<T extends number | string>(xs: T[]): T[] {
  return [...new Set(xs)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}
