// GET /v1/campaigns/mine answered from the database: the caller's campaign and its path to victory as
// gp-api shapes them, with the BR keys of `details` and the L2 keys of `pathToVictory.data` taken from
// the campaign's `win` organization (phase 1's inverse mapping), loaded in the guard's one statement.
import type { Handler } from 'hono'
import type { Sql } from '../db/index.js'
import type { CampaignWithP2v } from '../legacy/campaign-sql.js'
import { campaignColumns, pathToVictoryColumn } from '../legacy/db.js'
import { sendJson } from '../legacy/errors.js'
import { refuse, useOrganization, type Include, type OrganizationEnv } from '../org-context/index.js'
import { overlayDetails, overlayP2vData } from './legacy-shape.js'

const CAMPAIGN_NOT_FOUND = { message: 'Campaign not found', detail: 'you have no campaign (no win organization of yours applies)' }

/**
 * The campaign of the chosen organization with its P2V, exactly as the legacy route selects it. The
 * campaign must also be the owner's: an organization whose owner drifted from its campaign's user
 * answers nothing rather than another user's campaign.
 */
export const includeCampaign: Include = (db) => db`(
  SELECT to_json(x) FROM (
    SELECT ${campaignColumns(db)}, ${pathToVictoryColumn(db)}
    FROM campaign c LEFT JOIN path_to_victory p ON p.campaign_id = c.id
    WHERE c.organization_id = o.id AND c.user_id = o.owner_id
  ) x)`

/**
 * The guard of this route. Which organization answers: a `win` organization of the caller's named by
 * X-Organization-Id, else their default `win` one (their newest campaign's). A `serve` organization in
 * the header does not change the answer: "my campaign" is still the campaign (the web app keeps asking
 * for it in serve mode, and gp-api answers it whatever the header says).
 */
export function campaignMineGuard(deps: { sql: Sql; authSecret: string }) {
  return useOrganization<CampaignWithP2v | null>({ ...deps, kinds: ['win'], none: CAMPAIGN_NOT_FOUND, include: includeCampaign })
}

/** @example app.get('/v1/campaigns/mine', campaignMineGuard(deps), campaignMineHandler) */
export const campaignMineHandler: Handler<OrganizationEnv<CampaignWithP2v | null>> = async function campaignMine(c) {
  const org = c.get('organization')
  const campaign = org.included
  // The organization lost its campaign between the link and this read (a delete): as gp-api would say.
  if (!campaign) return refuse({ status: 404, ...CAMPAIGN_NOT_FOUND })
  const p2v = campaign.pathToVictory
  return sendJson(c, 200, {
    ...campaign,
    details: overlayDetails(campaign.details, org.fields),
    pathToVictory: p2v && { ...p2v, data: overlayP2vData(p2v.data, org.fields) },
  })
}

/** The route table's middleware and handler. */
export function campaignMineRoute(deps: { sql: Sql; authSecret: string }) {
  return { middleware: [campaignMineGuard(deps)], handler: campaignMineHandler }
}
