// Which campaign a write acts on: the caller's own, or, for admin and sales, the one their body's
// `slug` names. Everyone else naming a campaign that isn't theirs is refused.
import type { LegacyUser } from './auth.js'
import { isStaff } from './auth.js'
import { findCampaign, type CampaignWithP2v } from './campaign-sql.js'
import type { Db } from './db.js'
import { forbidden, nestError } from './errors.js'

/**
 * The target campaign, locked for the rest of the transaction.
 * - no slug: the caller's campaign, 404 when they have none;
 * - a slug of the caller's own campaign: that campaign, whatever the role;
 * - any other slug: admin/sales get it (404 when no campaign has it); others get 403, also when
 *   the slug exists nowhere, so that a refusal tells nothing about other users' slugs.
 * @example const campaign = await targetCampaign(tx, c.get('user'), body.slug)
 */
export async function targetCampaign(db: Db, user: LegacyUser, slug: string | undefined): Promise<CampaignWithP2v> {
  if (slug === undefined) {
    const own = await findCampaign(db, { userId: user.id }, { lock: true })
    if (!own) throw campaignNotFound()
    return own
  }
  const named = await findCampaign(db, { slug }, { lock: true })
  if (named && named.userId === user.id) return named
  if (!isStaff(user)) throw forbidden()
  if (!named) throw campaignNotFound()
  return named
}

export const campaignNotFound = () => nestError(404, 'Campaign not found')
