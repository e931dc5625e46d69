// Before gp-api's race lookup (PUT /v1/campaigns/mine/race-target-details), after remove-br-l2: gp-api
// reads the position from campaign.details, which the removal emptied, so it would answer 400 "Campaign
// has no office selected" for a campaign whose office lives on its organization. For this one write the
// organization's BR keys are put back into that campaign's details; the move that follows the write takes
// them out again (equal to the organization's values, so its merge changes nothing) and archives them.
// Known gap: the engine follows only a 2xx with the move, so when legacy refuses after the keys were put
// back (e.g. a position but no office or state to look up), they stay in the row until the campaign's
// next move takes them out; equal to the organization's values, so nothing is lost or merged wrongly.
import type { TransactionSql } from '../db/index.js'
import { toLegacyDetails, type Phase1Payload } from '../organizations/index.js'
import { lockOrganizations } from '../organizations/repository.js'
import { resolveCampaignTarget, slugOf } from '../organizations/targets.js'
import type { PrepareWrite } from '../routes/types.js'
import { cleanupState } from './take-out.js'

/**
 * The PrepareWrite of the race-target-details move. Before remove-br-l2 it does nothing (the rows still
 * hold every key); a failure is the engine's to count, and legacy is then asked with the rows as they are.
 * @example { id: PHASE3_MOVE_ROUTES.raceTargetDetails, …, prepare: restoreLookupKeys, dualWrite: phase3Move(…) }
 */
export const restoreLookupKeys: PrepareWrite = async function restoreLookupKeys(input, deps) {
  const slug = slugOf(input.body)
  // The campaign gp-api will target, resolved by the rule phase 1 and the move use (a slug only for its
  // owner, admin or sales), so the keys never land on a campaign legacy would refuse to touch.
  const payload: Phase1Payload = { userId: input.userId, ...(slug !== undefined ? { slug } : {}) }
  await deps.sql.begin((tx) => restoreInto(tx, payload))
}

/** Returns the number of keys put back (0: nothing to do). Exported for the tests. */
export async function restoreInto(tx: TransactionSql, payload: Phase1Payload): Promise<number> {
  // Under the cleanup lock, as the move reads it: a rollback of the removal cannot slip in between.
  const cleanup = await cleanupState(tx)
  if (!cleanup.removed) return 0
  const campaignId = (await resolveCampaignTarget(tx, payload)).campaignIds[0]
  if (campaignId === undefined) return 0
  // The move's lock order (campaign, then its organization).
  const [campaign] = await tx<{ organization_id: string | null }[]>`
    SELECT organization_id::text FROM campaign WHERE id = ${campaignId} FOR UPDATE`
  if (!campaign?.organization_id) return 0
  const org = (await lockOrganizations(tx, [campaignId], [])).get(campaign.organization_id)
  const keys = org ? toLegacyDetails(org) : {}
  if (!Object.keys(keys).length) return 0
  // A key the row still holds wins: it is a write no move has carried yet (a failed move waiting in the
  // outbox), newer than the organization's. updated_at is left alone, as the removal leaves it: the
  // campaign did not change. A details that is not an object is left as it is (the mapping reads none).
  const updated = await tx`
    UPDATE campaign SET details = ${tx.json(keys as never)}::jsonb || details
    WHERE id = ${campaignId} AND jsonb_typeof(details) = 'object'`
  return updated.count ? Object.keys(keys).length : 0
}
