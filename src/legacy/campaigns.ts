// The campaign routes: read the caller's campaign, create it, and the three writes of office and
// district selection (deep merges into details/data and P2V data), each in one transaction.
import type { Hono, MiddlewareHandler } from 'hono'
import type postgres from 'postgres'
import { z } from 'zod'
import type { LegacyEnv } from './auth.js'
import { jsonObject, optionalSlug, parseBody, readBody } from './body.js'
import { findCampaign, findUserName, insertCampaign, takenSlugs, updateCampaignJson, upsertP2vData } from './campaign-sql.js'
import type { JsonObject } from './db.js'
import { lookupRaceTarget } from './district-lookup.js'
import { nestError, sendJson } from './errors.js'
import { deepMerge } from './merge.js'
import { nextFreeSlug, slugify } from './slug.js'
import { campaignNotFound, targetCampaign } from './target.js'

type Deps = { sql: postgres.Sql; auth: MiddlewareHandler<LegacyEnv> }

const createBody = z.object({ details: jsonObject.optional(), data: jsonObject.optional() })
const updateBody = z.object({
  slug: optionalSlug,
  details: jsonObject.optional(),
  data: jsonObject.optional(),
  pathToVictory: jsonObject.optional(),
})
const raceTargetBody = z.object({ slug: optionalSlug })
const nonEmpty = z.string({ error: 'must be a non-empty string' }).refine((s) => s.trim() !== '', 'must be a non-empty string')
const districtBody = z.object({ slug: optionalSlug, L2DistrictType: nonEmpty, L2DistrictName: nonEmpty })

// Another request may take the same free slug between our read and our insert; we then pick again.
const SLUG_ATTEMPTS = 5

export function registerCampaignRoutes(app: Hono<LegacyEnv>, { sql, auth }: Deps): void {
  app.get('/v1/campaigns/mine', auth, async (c) => {
    const campaign = await findCampaign(sql, { userId: c.get('user').id })
    if (!campaign) throw campaignNotFound()
    return sendJson(c, 200, campaign)
  })

  app.post('/v1/campaigns', auth, async (c) => {
    const body = parseBody(createBody, await readBody(c))
    const userId = c.get('user').id
    for (let attempt = 1; ; attempt++) {
      try {
        const created = await sql.begin(async (tx) => {
          // Serialises two creates by one user, so the second sees the first and answers 409.
          await tx`SELECT id FROM "user" WHERE id = ${userId} FOR NO KEY UPDATE`
          if (await findCampaign(tx, { userId })) throw nestError(409, 'Campaign already exists')
          const base = slugify(await findUserName(tx, userId)) || 'campaign'
          const slug = nextFreeSlug(base, await takenSlugs(tx, base))
          return insertCampaign(tx, { userId, slug, details: body.details ?? {}, data: body.data ?? {} })
        })
        return sendJson(c, 201, created)
      } catch (err) {
        if (uniqueViolation(err) === 'campaign_user_id_key') throw nestError(409, 'Campaign already exists')
        if (uniqueViolation(err) === 'campaign_slug_key' && attempt < SLUG_ATTEMPTS) continue
        throw err
      }
    }
  })

  app.put('/v1/campaigns/mine', auth, async (c) => {
    const body = parseBody(updateBody, await readBody(c))
    const answer = await sql.begin(async (tx) => {
      const campaign = await targetCampaign(tx, c.get('user'), body.slug)
      await updateCampaignJson(
        tx,
        campaign.id,
        body.details && deepMerge(campaign.details, body.details),
        body.data && deepMerge(campaign.data, body.data),
      )
      if (body.pathToVictory) await mergeP2v(tx, campaign, body.pathToVictory)
      return findCampaign(tx, { id: campaign.id })
    })
    return sendJson(c, 200, answer)
  })

  app.put('/v1/campaigns/mine/race-target-details', auth, async (c) => {
    const body = parseBody(raceTargetBody, await readBody(c))
    const answer = await sql.begin(async (tx) => {
      const campaign = await targetCampaign(tx, c.get('user'), body.slug)
      const lookup = lookupRaceTarget(campaign.details)
      if (!lookup.ok) throw nestError(400, lookup.message)
      await mergeP2v(tx, campaign, lookup.target)
      return findCampaign(tx, { id: campaign.id })
    })
    return sendJson(c, 200, answer)
  })

  app.put('/v1/campaigns/mine/district', auth, async (c) => {
    const body = parseBody(districtBody, await readBody(c))
    const answer = await sql.begin(async (tx) => {
      const campaign = await targetCampaign(tx, c.get('user'), body.slug)
      await mergeP2v(tx, campaign, {
        electionType: body.L2DistrictType,
        electionLocation: body.L2DistrictName,
        districtManuallySet: true,
      })
      return findCampaign(tx, { id: campaign.id })
    })
    return sendJson(c, 200, answer)
  })
}

async function mergeP2v(
  tx: postgres.TransactionSql,
  campaign: { id: number; pathToVictory: { data: unknown } | null },
  patch: JsonObject,
): Promise<void> {
  await upsertP2vData(tx, campaign.id, deepMerge(campaign.pathToVictory?.data, patch))
}

function uniqueViolation(err: unknown): string | undefined {
  const e = err as { code?: string; constraint_name?: string }
  return e?.code === '23505' ? e.constraint_name : undefined
}
