// Contact segments (voter_file_filter) of the caller's campaign: list, create, and one by id.
import type { Context, Hono, MiddlewareHandler } from 'hono'
import type postgres from 'postgres'
import { z } from 'zod'
import { FILTER_ARRAY_FIELDS, FILTER_BOOLEAN_FIELDS } from '../domain/index.js'
import type { LegacyEnv } from './auth.js'
import { int4, parseBody, readBody } from './body.js'
import type { JsonObject } from './db.js'
import { HttpError, nestError, sendJson } from './errors.js'
import { deleteFilter, findFilter, findFilterCampaign, insertFilter, listFilters, updateFilter } from './filter-sql.js'
import { campaignNotFound } from './target.js'

type Deps = { sql: postgres.Sql; auth: MiddlewareHandler<LegacyEnv> }

// Unknown keys are dropped (zod's default, as gp-api's schemas do): `id`, `campaignId` or timestamps
// in a body can never reach the row.
const fields = {
  ...Object.fromEntries(FILTER_BOOLEAN_FIELDS.map((f) => [f, z.boolean().nullish()])),
  ...Object.fromEntries(FILTER_ARRAY_FIELDS.map((f) => [f, z.array(z.string()).nullish()])),
  voterCount: int4.min(0).nullish(),
}
const name = z.string({ error: 'must be a non-empty string' }).min(1, 'must be a non-empty string')
/** A segment's create and update bodies, as gp-api validates them (the proxy's own handlers too). */
export const filterCreateBody = z.object({ name, ...fields })
export const filterUpdateBody = z.object({ name: name.optional(), ...fields })

const PATH = '/v1/voters/voter-file'

export function registerFilterRoutes(app: Hono<LegacyEnv>, { sql, auth }: Deps): void {
  const campaignOf = async (c: Context<LegacyEnv>) => {
    const campaign = await findFilterCampaign(sql, c.get('user').id)
    if (!campaign) throw campaignNotFound()
    return campaign
  }

  app.get(`${PATH}/filters`, auth, async (c) => sendJson(c, 200, await listFilters(sql, (await campaignOf(c)).id)))

  app.post(`${PATH}/filter`, auth, async (c) => {
    const body = defined(parseBody(filterCreateBody, await readBody(c)))
    const campaign = await campaignOf(c)
    // HttpException('Campaign is not pro', 400) in gp-api: hence no `error` key in this one.
    if (!campaign.mayCreate) throw new HttpError({ statusCode: 400, message: 'Campaign is not pro' })
    const created = await sql.begin((tx) => insertFilter(tx, campaign.id, body))
    return sendJson(c, 201, created)
  })

  app.get(`${PATH}/filter/:id`, auth, async (c) => {
    const id = filterId(c.req.param('id'))
    const campaign = await campaignOf(c)
    const filter = id === null ? undefined : await findFilter(sql, campaign.id, id)
    if (!filter) throw filterNotFound()
    return sendJson(c, 200, filter)
  })

  app.put(`${PATH}/filter/:id`, auth, async (c) => {
    const id = filterId(c.req.param('id'))
    const body = defined(parseBody(filterUpdateBody, await readBody(c)))
    const campaign = await campaignOf(c)
    const updated = id === null ? undefined : await sql.begin((tx) => updateFilter(tx, campaign.id, id, body))
    if (!updated) throw filterNotFound()
    return sendJson(c, 200, updated)
  })

  app.delete(`${PATH}/filter/:id`, auth, async (c) => {
    const id = filterId(c.req.param('id'))
    const campaign = await campaignOf(c)
    const deleted = id !== null && (await sql.begin((tx) => deleteFilter(tx, campaign.id, id)))
    if (!deleted) throw filterNotFound()
    return c.body(null, 204)
  })
}

const filterNotFound = () => nestError(404, 'Voter file filter not found')

/**
 * NestJS's ParseIntPipe: an optionally signed run of digits, else 400. A number no `integer`
 * column can hold names no filter: null, answered 404 without asking PostgreSQL (which would fail).
 */
function filterId(raw: string): number | null {
  if (!/^-?\d+$/.test(raw)) throw nestError(400, 'Validation failed (numeric string is expected)')
  const id = Number(raw)
  return id >= -2147483648 && id <= 2147483647 ? id : null
}

function defined(body: Record<string, unknown>): JsonObject {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined))
}
