// Request bodies as gp-api sees them: Express's JSON parser, then a zod pipe that strips unknown keys
// and answers 400 with one message per bad field, before any handler logic runs.
import type { Context } from 'hono'
import { z } from 'zod'
import { nestError } from './errors.js'

/**
 * The parsed JSON body; `{}` when there is none or it isn't JSON (Express leaves req.body empty then).
 * @example const body = await readBody(c)
 */
export async function readBody(c: Context): Promise<unknown> {
  if (!/\bjson\b/i.test(c.req.header('content-type') ?? '')) return {}
  const text = await c.req.text()
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text)
  } catch {
    // A fixed text: V8's parse messages change between Node versions, and the answer must not.
    throw nestError(400, 'Unexpected token in JSON body')
  }
}

/**
 * Validates a body with a zod schema; 400 `{ message: [...] }` (NestJS ValidationPipe shape) otherwise.
 * @example const body = parseBody(schema, await readBody(c))
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body)
  if (parsed.success) return parsed.data
  throw nestError(
    400,
    parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)),
  )
}

/** A calendar date `YYYY-MM-DD` that exists (2023-02-29 does not). */
export const calendarDate = z
  .string({ error: 'must be a YYYY-MM-DD date' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a YYYY-MM-DD date')
  .refine((v) => {
    const d = new Date(`${v}T00:00:00Z`)
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v
  }, 'must be a YYYY-MM-DD date')

/** A plain JSON object (what gets deep-merged); arrays and scalars are refused. */
export const jsonObject = z.record(z.string(), z.unknown(), { error: 'must be an object' })

/** `slug` in admin bodies: empty or null means "not given", as gp-api's `if (slug)` reads it. */
export const optionalSlug = z
  .string({ error: 'must be a string' })
  .nullish()
  .transform((v) => (v ? v : undefined))

/** PostgreSQL `integer` bounds, so an overlarge number is a 400 and not a database error. */
export const int4 = z.number().int().min(-2147483648).max(2147483647)
