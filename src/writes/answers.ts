// The refusals of the write handlers, one shape: problem+json carrying gp-api's own members. Body
// validation is gp-api's (the zod schemas and JSON parsing of the legacy stand-in throw NestJS errors);
// those are re-answered here as problem+json, message list and all, so clients read the same `message`.
import { z } from 'zod'
import type { Context } from 'hono'
import { parseBody, readBody } from '../legacy/body.js'
import { HttpError } from '../legacy/errors.js'
import { problemResponse } from '../ops/problem.js'
import { refuse, RefusalError } from '../org-context/index.js'

/**
 * The request body validated as gp-api validates it, without the keys it left undefined (so they are
 * neither written nor cleared); throws the 400 gp-api answers.
 * @example const body = await validBody(c, filterCreateBody)
 */
export async function validBody<S extends z.ZodType<Record<string, unknown>>>(c: Context, schema: S): Promise<z.output<S>> {
  const parsed = parseBody(schema, await readBody(c))
  return Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined)) as z.output<S>
}

/**
 * The answer to a refusal thrown below a handler; anything else is a failure and is rethrown (the app
 * answers 500, which the engine counts as the new handler failing).
 * @example try { … } catch (err) { return refusalOf(err) }
 */
export function refusalOf(err: unknown): Response {
  if (err instanceof RefusalError) return refuse(err.refusal)
  if (err instanceof HttpError) {
    const { statusCode, message, error } = err.body
    return problemResponse({
      title: error ?? 'Bad Request',
      status: statusCode,
      detail: Array.isArray(message) ? message.join('; ') : message,
      statusCode,
      message,
      ...(error ? { error } : {}),
    })
  }
  throw err
}
