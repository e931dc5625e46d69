// The "I won" modal's POST /v1/elected-office and GET /v1/elected-office/current over elected_office.
import type { Hono, MiddlewareHandler } from 'hono'
import type postgres from 'postgres'
import { z } from 'zod'
import type { LegacyEnv } from './auth.js'
import { calendarDate, int4, parseBody, readBody } from './body.js'
import { DATE_FORMAT, electedOfficeColumns, nowUtc, type ElectedOfficeJson } from './db.js'
import { HttpError, nestError, sendJson } from './errors.js'
import { uuidv7 } from './uuid.js'

type Deps = { sql: postgres.Sql; auth: MiddlewareHandler<LegacyEnv> }

/** The "I won" body, as gp-api validates it (the proxy's own handler validates the same way). */
export const electedOfficeCreateBody = z.object({
  electedDate: calendarDate,
  swornInDate: calendarDate.nullish(),
  termStartDate: calendarDate.nullish(),
  termEndDate: calendarDate.nullish(),
  termLengthDays: int4.min(0).nullish(),
  isActive: z.boolean().optional(),
})

/** POST's answer: only these keys, dates as `YYYY-MM-DD` (null when unset). */
export type CreatedOfficeJson = Pick<ElectedOfficeJson, 'id' | 'electedDate' | 'swornInDate' | 'termStartDate' | 'termEndDate'>

const alreadyActive = () => nestError(409, 'User already has an active elected office')

export function registerElectedOfficeRoutes(app: Hono<LegacyEnv>, { sql, auth }: Deps): void {
  app.post('/v1/elected-office', auth, async (c) => {
    const body = parseBody(electedOfficeCreateBody, await readBody(c))
    const userId = c.get('user').id
    try {
      const created = await sql.begin(async (tx) => {
        // The campaign row lock serialises two "I won" clicks, so the second sees the first office.
        const [campaign] = await tx<{ id: number }[]>`SELECT id FROM campaign WHERE user_id = ${userId} FOR UPDATE`
        if (!campaign) throw nestError(403, 'User has no campaign')
        const [active] = await tx`SELECT 1 FROM elected_office WHERE user_id = ${userId} AND "isActive" LIMIT 1`
        if (active) throw alreadyActive()
        const [row] = await tx<CreatedOfficeJson[]>`
          INSERT INTO elected_office (id, "electedDate", "swornInDate", "termStartDate", "termEndDate",
            "termLengthDays", "isActive", user_id, campaign_id, created_at, updated_at)
          VALUES (${uuidv7()}, ${body.electedDate}::date, ${body.swornInDate ?? null}::date,
            ${body.termStartDate ?? null}::date, ${body.termEndDate ?? null}::date,
            ${body.termLengthDays ?? null}::int, ${body.isActive ?? true}, ${userId}, ${campaign.id},
            ${nowUtc(tx)}, ${nowUtc(tx)})
          RETURNING id,
            to_char("electedDate", ${DATE_FORMAT}) AS "electedDate",
            to_char("swornInDate", ${DATE_FORMAT}) AS "swornInDate",
            to_char("termStartDate", ${DATE_FORMAT}) AS "termStartDate",
            to_char("termEndDate", ${DATE_FORMAT}) AS "termEndDate"`
        return row!
      })
      return sendJson(c, 201, created)
    } catch (err) {
      // The partial unique index is the last word when an office was written outside this API.
      if (!(err instanceof HttpError) && (err as { code?: string }).code === '23505') throw alreadyActive()
      throw err
    }
  })

  app.get('/v1/elected-office/current', auth, async (c) => {
    const [office] = await sql<ElectedOfficeJson[]>`
      SELECT ${electedOfficeColumns(sql)} FROM elected_office
      WHERE user_id = ${c.get('user').id} AND "isActive"
      ORDER BY created_at DESC, id DESC LIMIT 1`
    if (!office) throw nestError(404, 'No active elected office')
    return sendJson(c, 200, office)
  })
}
