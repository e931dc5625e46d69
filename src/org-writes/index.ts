// Phase 3's organization writes for the legacy routes that still write BR/L2 keys into legacy rows
// (office picker, race target, district picker, campaign create): legacy writes and answers as before,
// then the keys it wrote are moved onto the organization (move.ts), since after dual-writes-off and
// remove-br-l2 nothing else would carry them over. Listed in the route table above the phase 1 dual
// writes of the same routes, flag org.writes, live only: in shadow the phase 1 copy stays in charge.
import { PHASE1_ROUTES, phase1LivePayload, phase1Payload, type Phase1Payload, type Phase1RouteId } from '../organizations/index.js'
import type { OutboxHandler, OutboxHandlers } from '../outbox/index.js'
import type { DualWrite } from '../routes/types.js'
import { answerWithOrganization, type AnswerShape } from './answer.js'
import { moveKeys, moveLegacyKeys, type Moved } from './move.js'

export { answerWithOrganization, type AnswerShape } from './answer.js'
export { moveKeys, moveLegacyKeys, type Moved } from './move.js'
export { restoreInto, restoreLookupKeys } from './prepare.js'
export { heldKeys, mergeHeldKeys, type HeldKeys, type MergeRows } from './merge.js'

/** Route ids of the phase 3 move layers (route table, metrics, outbox rows). */
export const PHASE3_MOVE_ROUTES = {
  campaignCreate: 'campaigns.create.org',
  campaignUpdate: 'campaigns.mine.update.org',
  raceTargetDetails: 'campaigns.mine.race-target-details.org',
  district: 'campaigns.mine.district.org',
} as const
export type Phase3MoveRouteId = (typeof PHASE3_MOVE_ROUTES)[keyof typeof PHASE3_MOVE_ROUTES]

/** The phase 1 layer each move replaces: same request, same target rule, same outbox payload. */
const REPLACES: Record<Phase3MoveRouteId, Phase1RouteId> = {
  [PHASE3_MOVE_ROUTES.campaignCreate]: PHASE1_ROUTES.campaignCreate,
  [PHASE3_MOVE_ROUTES.campaignUpdate]: PHASE1_ROUTES.campaignUpdate,
  [PHASE3_MOVE_ROUTES.raceTargetDetails]: PHASE1_ROUTES.raceTargetDetails,
  [PHASE3_MOVE_ROUTES.district]: PHASE1_ROUTES.district,
}

/** The shape of legacy's answer per route (src/legacy/campaigns.ts): a create answers no relations. */
const ANSWERS: Record<Phase3MoveRouteId, AnswerShape> = {
  [PHASE3_MOVE_ROUTES.campaignCreate]: 'campaign',
  [PHASE3_MOVE_ROUTES.campaignUpdate]: 'campaign-with-p2v',
  [PHASE3_MOVE_ROUTES.raceTargetDetails]: 'campaign-with-p2v',
  [PHASE3_MOVE_ROUTES.district]: 'campaign-with-p2v',
}

/**
 * The DualWrite of a phase 3 move route: the campaign legacy just wrote, resolved as phase 1's live path
 * resolves it (a body slug by the legacy rule), its keys moved in one transaction; once committed, legacy's
 * answer with the organization's values laid over it (answer.ts), as the reads answer them.
 * @example { id: PHASE3_MOVE_ROUTES.district, kind: 'dual-write', liveOnly: true, dualWrite: phase3Move(PHASE3_MOVE_ROUTES.district), … }
 */
export function phase3Move(routeId: Phase3MoveRouteId): DualWrite {
  const below = REPLACES[routeId]
  if (!below) throw new Error(`phase3Move: unknown route ${routeId}`)
  const shape = ANSWERS[routeId]
  return async function organizationKeyMove(input, deps) {
    const payload = phase1LivePayload(below, input)
    const moved = (await deps.sql.begin((tx) => moveKeys(tx, payload))) as Moved
    const answer = moved.campaign && answerWithOrganization(input.legacy.json, moved.campaign, shape)
    return { ...moved.result, ...(answer !== undefined ? { answer } : {}) }
  }
}

function moveHandler(routeId: Phase3MoveRouteId): OutboxHandler {
  return {
    // Ids only, as phase 1 keeps them: a retry reads the rows as they are then, never the request body.
    payload: (input) => phase1Payload(REPLACES[routeId], input),
    redo: (tx, payload) => moveLegacyKeys(tx, payload as Phase1Payload),
    // Not phase 1's sync: a move is what carries keys after remove-br-l2, so the outbox works it then too.
    legacySource: false,
  }
}

/** Outbox handlers of the move routes; createOutbox gets `{ ...PHASE1_OUTBOX_HANDLERS, ...PHASE2_…, ...PHASE3_OUTBOX_HANDLERS }`. */
export const PHASE3_OUTBOX_HANDLERS: OutboxHandlers = Object.fromEntries(Object.values(PHASE3_MOVE_ROUTES).map((id) => [id, moveHandler(id)]))
