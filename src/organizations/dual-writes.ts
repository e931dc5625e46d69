// Phase 1's dual writes: after gp-api answered 2xx to one of the office, district or "I won" writes,
// the organization is brought up to date from the legacy rows legacy just wrote, in one transaction.
// The same code redoes a write from the outbox, so a retry recomputes from the current legacy rows.
import type { Sql, TransactionSql } from '../db/index.js'
import type { DualWrite, DualWriteInput, DualWriteResult } from '../routes/types.js'
import { syncOrganizations } from './repository.js'
import { assertLegacySourceLive } from './retired.js'
import { campaignIdOf, officeIdOf, resolveCampaignTarget, resolveOfficeTarget, slugOf, type Phase1Payload } from './targets.js'

/** Route ids of the phase 1 entries (route table, metrics, outbox rows). */
export const PHASE1_ROUTES = {
  electedOfficeCreate: 'elected-office.create',
  campaignCreate: 'campaigns.create',
  campaignUpdate: 'campaigns.mine.update',
  raceTargetDetails: 'campaigns.mine.race-target-details',
  district: 'campaigns.mine.district',
} as const
export type Phase1RouteId = (typeof PHASE1_ROUTES)[keyof typeof PHASE1_ROUTES]

const CAMPAIGN_ROUTES = new Set<string>([PHASE1_ROUTES.campaignUpdate, PHASE1_ROUTES.raceTargetDetails, PHASE1_ROUTES.district])

/**
 * What to redo for a write, from the request and legacy's answer alone (no database: the outbox
 * calls it when the database may be what failed). Ids only; the slug only when legacy named no id.
 */
export function phase1Payload(routeId: string, input: Pick<DualWriteInput, 'userId' | 'body' | 'legacy'>): Phase1Payload {
  const p: Phase1Payload = { userId: input.userId }
  if (routeId === PHASE1_ROUTES.electedOfficeCreate) {
    const officeId = officeIdOf(input.legacy.json)
    if (officeId) p.officeId = officeId
    return p
  }
  const campaignId = campaignIdOf(input.legacy.json)
  if (campaignId !== undefined) p.campaignId = campaignId
  const slug = CAMPAIGN_ROUTES.has(routeId) ? slugOf(input.body) : undefined
  if (slug !== undefined && campaignId === undefined) p.slug = slug
  return p
}

/**
 * Redoes a phase 1 organization write in `tx`: resolves the target the way gp-api does, then syncs it.
 * @example await sql.begin((tx) => redoPhase1(tx, 'campaigns.mine.district', { userId: 7 }))
 */
export async function redoPhase1(tx: TransactionSql, routeId: string, payload: Phase1Payload): Promise<DualWriteResult> {
  // Before the target is resolved: resolving an office reads elected_office.campaign_id, which phase 3
  // drops. A retired sync throws, so the engine counts and logs it and the outbox holds the item.
  await assertLegacySourceLive(tx)
  const targets = routeId === PHASE1_ROUTES.electedOfficeCreate ? await resolveOfficeTarget(tx, payload) : await resolveCampaignTarget(tx, payload)
  const result = await syncOrganizations(tx, targets)
  const notes = [...targets.notes]
  if (result.created) notes.push(`created ${result.created}`)
  return { organizationIds: result.organizationIds, ...(notes.length ? { note: notes.join('; ') } : {}) }
}

/**
 * The target of a write as the live path resolves it: phase1Payload, plus a slug in the body always
 * (resolved by the legacy rule itself, not only through legacy's answer), so a target legacy would
 * refuse is never written. Phase 3's key move (src/org-writes) resolves its target the same way.
 */
export function phase1LivePayload(routeId: string, input: Pick<DualWriteInput, 'userId' | 'body' | 'legacy'>): Phase1Payload {
  const payload = phase1Payload(routeId, input)
  const slug = CAMPAIGN_ROUTES.has(routeId) ? slugOf(input.body) : undefined
  if (slug !== undefined) payload.slug = slug
  return payload
}

/** The DualWrite of a phase 1 route. */
export function phase1DualWrite(routeId: Phase1RouteId): DualWrite {
  return async function organizationDualWrite(input, deps: { sql: Sql }) {
    const payload = phase1LivePayload(routeId, input)
    return deps.sql.begin((tx) => redoPhase1(tx, routeId, payload)) as Promise<DualWriteResult>
  }
}
