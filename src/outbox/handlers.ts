// How each route's failed organization write is kept and redone: a payload of ids (never the request
// body) and a redo that recomputes from the current legacy rows, so a retry is always idempotent.
import type { TransactionSql } from '../db/index.js'
import { PHASE1_ROUTES, redoPhase1, syncOrganizations, phase1Payload, type Phase1Payload } from '../organizations/index.js'
import type { DualWriteInput } from '../routes/types.js'

export type OutboxHandler = {
  payload: (input: DualWriteInput) => Record<string, unknown>
  redo: (tx: TransactionSql, payload: Record<string, unknown>) => Promise<unknown>
  /**
   * The redo maps legacy rows onto organizations (phase 1): held, not attempted, once a phase 3
   * cleanup step has emptied those rows (src/organizations/retired.ts); redone if it is rolled back.
   */
  legacySource?: boolean
}
export type OutboxHandlers = Readonly<Record<string, OutboxHandler>>

function phase1Handler(routeId: string): OutboxHandler {
  return {
    payload: (input) => phase1Payload(routeId, input),
    redo: (tx, payload) => redoPhase1(tx, routeId, payload as Phase1Payload),
    legacySource: true,
  }
}

/** The phase 1 routes; later phases pass `{ ...PHASE1_OUTBOX_HANDLERS, ...theirs }` to createOutbox. */
export const PHASE1_OUTBOX_HANDLERS: OutboxHandlers = Object.fromEntries(Object.values(PHASE1_ROUTES).map((id) => [id, phase1Handler(id)]))

/**
 * A route without a handler (a configuration slip) still leaves a useful item: the user id, redone by
 * syncing everything of that user's from the legacy rows.
 */
export const FALLBACK_HANDLER: OutboxHandler = {
  legacySource: true,
  payload: (input) => ({ userId: input.userId }),
  redo: async (tx, payload) => {
    const userId = Number(payload.userId)
    const campaigns = await tx<{ id: number }[]>`SELECT id FROM campaign WHERE user_id = ${userId}`
    const offices = await tx<{ id: string }[]>`SELECT id::text FROM elected_office WHERE user_id = ${userId}`
    return syncOrganizations(tx, { campaignIds: campaigns.map((c) => c.id), officeIds: offices.map((o) => o.id) })
  },
}
