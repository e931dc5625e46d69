// Phase 3's key move, in one transaction: the BR/L2 keys a legacy write left in a campaign's rows are
// merged onto its organization (merge.ts) and, once remove-br-l2 has retired the legacy copy, taken out
// of the rows into org_proxy.legacy_archive exactly as the removal job takes them (so its rollback
// restores the latest values and its confirm step still finds no row holding a key). The same function
// redoes a move from the outbox: it reads whatever the rows hold now, so a redo is always safe.
import type { TransactionSql } from '../db/index.js'
import type { OrganizationFields, Phase1Payload } from '../organizations/index.js'
import { linkMissingCampaigns, linkMissingOffices } from '../organizations/link.js'
import { diff, lockOrganizations, toRecord, writeOrganizations } from '../organizations/repository.js'
import { resolveCampaignTarget } from '../organizations/targets.js'
import type { DualWriteResult } from '../routes/types.js'
import { heldCount, heldKeys, mergeHeldKeys, type MergeRows } from './merge.js'
import { cleanupState, SOURCES, takeOut } from './take-out.js'

type CampaignRow = { id: number; user_id: number; organization_id: string | null; details: unknown; updated_at: Date }
type P2vRow = { id: number; data: unknown; updated_at: Date }
type OfficeRow = { id: string; user_id: number; campaign_id: number; organization_id: string | null; updated_at: Date }

/** A move's result, and the campaign's organization values after it (what the write's answer shows). */
export type Moved = { result: DualWriteResult; campaign?: { campaignId: number; fields: OrganizationFields } }

/**
 * Moves the keys of the campaign a write acted on (resolved as phase 1 resolves it: the caller's, or a
 * slug's for admin and sales). Not phase 1's sync: it runs after remove-br-l2 too, which is its point.
 * @example await sql.begin((tx) => moveLegacyKeys(tx, { userId: 7, campaignId: 42 }))
 */
export async function moveLegacyKeys(tx: TransactionSql, payload: Phase1Payload): Promise<DualWriteResult> {
  return (await moveKeys(tx, payload)).result
}

/**
 * moveLegacyKeys, also giving the fields of the campaign's own organization as this transaction leaves
 * them (phase3Move lays them over legacy's answer once it has committed).
 */
export async function moveKeys(tx: TransactionSql, payload: Phase1Payload): Promise<Moved> {
  const cleanup = await cleanupState(tx)
  const target = await resolveCampaignTarget(tx, payload)
  const campaignId = target.campaignIds[0]
  if (campaignId === undefined) return { result: { organizationIds: [], note: target.notes.join('; ') } }
  // Legacy's own lock order (campaign, then its P2V): a legacy write to this campaign waits for the move,
  // and the keys read here are exactly the ones this transaction takes out.
  let [campaign] = await tx<CampaignRow[]>`
    SELECT id, user_id, organization_id::text, details, updated_at AT TIME ZONE 'UTC' AS updated_at
    FROM campaign WHERE id = ${campaignId} FOR UPDATE`
  if (!campaign) return { result: { organizationIds: [], note: 'target campaign deleted meanwhile' } }
  const [p2v] = await tx<P2vRow[]>`
    SELECT id, data, updated_at AT TIME ZONE 'UTC' AS updated_at FROM path_to_victory WHERE campaign_id = ${campaignId} FOR UPDATE`
  // Until the decoupling, a serve organization mirrors its campaign's BR+L2 (phase 1's rule, which
  // reconcile still checks): it follows the merge. The query names campaign_id, which that step drops.
  let offices = cleanup.decoupled
    ? []
    : await tx<OfficeRow[]>`
        SELECT id::text, user_id, campaign_id, organization_id::text, updated_at AT TIME ZONE 'UTC' AS updated_at
        FROM elected_office WHERE campaign_id = ${campaignId} ORDER BY id`
  // Rows made before the organization-not-null trigger may still lack an organization: linked as phase 1 links them.
  if (campaign.organization_id === null) {
    await linkMissingCampaigns(tx, [campaign.id])
    ;[campaign] = await tx<CampaignRow[]>`
      SELECT id, user_id, organization_id::text, details, updated_at AT TIME ZONE 'UTC' AS updated_at FROM campaign WHERE id = ${campaignId}`
  }
  const unlinked = offices.filter((o) => o.organization_id === null).map((o) => o.id)
  if (unlinked.length) {
    await linkMissingOffices(tx, unlinked)
    offices = await tx<OfficeRow[]>`
      SELECT id::text, user_id, campaign_id, organization_id::text, updated_at AT TIME ZONE 'UTC' AS updated_at
      FROM elected_office WHERE id = ANY(${offices.map((o) => o.id)}::uuid[]) ORDER BY id`
  }

  const held = heldKeys(campaign!.details, p2v?.data)
  const current = await lockOrganizations(tx, [campaign!.id], offices.map((o) => o.id))
  const base: MergeRows = { campaign: { id: campaign!.id, userId: campaign!.user_id, updatedAt: campaign!.updated_at }, p2vUpdatedAt: p2v?.updated_at ?? null }
  const targets: { organizationId: string | null; rows: MergeRows }[] = [
    { organizationId: campaign!.organization_id, rows: base },
    ...offices.map((o) => ({ organizationId: o.organization_id, rows: { ...base, office: { id: o.id, userId: o.user_id, campaignId: o.campaign_id, updatedAt: o.updated_at } } })),
  ]
  const organizationIds: string[] = []
  const changedColumns = new Set<string>()
  const writes: Record<string, unknown>[] = []
  let answered: Moved['campaign']
  for (const t of targets) {
    const before = t.organizationId === null ? undefined : current.get(t.organizationId)
    if (!before) continue
    organizationIds.push(before.id)
    const merged = mergeHeldKeys(before, held, t.rows)
    // The campaign's own (win) organization, the one GET /v1/campaigns/mine reads: merged.fields is what
    // it holds once this commits (written below, or already equal to what it holds).
    if (t.rows === base) answered = { campaignId: campaign!.id, fields: merged.fields }
    const changed = diff(before, merged)
    for (const c of changed) changedColumns.add(c)
    // As phase 1's sync: written when a column or the sync time moved (updated_at then says so).
    if (changed.length || (before.legacy_synced_at?.getTime() ?? null) !== (merged.legacySyncedAt?.getTime() ?? null)) writes.push(toRecord(before.id, merged))
  }
  if (writes.length) await writeOrganizations(tx, writes)

  const notes = [...target.notes]
  if (changedColumns.size) notes.push(`changed ${[...changedColumns].join(', ')}`)
  if (cleanup.removed && heldCount(held)) {
    let moved = 0
    moved += await takeOut(tx, SOURCES[0], campaign!.id, cleanup)
    if (p2v) moved += await takeOut(tx, SOURCES[1], p2v.id, cleanup)
    notes.push(`moved ${moved} keys out of the legacy rows${cleanup.archived ? ' into the archive' : ' (archive confirmed away: not kept)'}`)
  }
  return { result: { organizationIds, ...(notes.length ? { note: notes.join('; ') } : {}) }, ...(answered ? { campaign: answered } : {}) }
}
