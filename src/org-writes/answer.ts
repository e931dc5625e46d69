// The answer of a moved write: gp-api builds it from its rows, which after remove-br-l2 hold only what
// this write just put there, so a web app updating its state from it would blank every other BR/L2 field.
// The organization's values (after the move) are laid over it exactly as GET /v1/campaigns/mine's
// organization-backed read lays them, so the write and the read answer the same campaign the same way.
import type { OrganizationFields } from '../organizations/index.js'
import { overlayDetails, overlayP2vData } from '../reads/legacy-shape.js'

/**
 * What gp-api answers, per the stand-in: POST /v1/campaigns the created row as Prisma's `create` returns
 * it (no relations, so `details` only); the three PUTs `findCampaign`, the row with `pathToVictory`.
 */
export type AnswerShape = 'campaign' | 'campaign-with-p2v'

type JsonObject = Record<string, unknown>

/**
 * Legacy's JSON with the organization's BR/L2 keys laid over it, or undefined when legacy's answer is not
 * the expected campaign object (then it stands as sent), or when laying them over changes nothing (legacy's
 * bytes and headers then stand untouched: before remove-br-l2 with in-sync rows, always).
 * @example answerWithOrganization(legacy.json, { campaignId: 42, fields }, 'campaign-with-p2v')
 */
export function answerWithOrganization(json: unknown, moved: { campaignId: number; fields: OrganizationFields }, shape: AnswerShape): unknown {
  if (!isObject(json) || json.id !== moved.campaignId || !Object.prototype.hasOwnProperty.call(json, 'details')) return undefined
  const out: JsonObject = { ...json, details: overlayDetails(json.details, moved.fields) }
  if (shape === 'campaign-with-p2v') {
    const p2v = json.pathToVictory
    if (p2v === null) {
      // No path to victory yet: nothing to lay L2 values over (the read answers null too).
    } else if (isObject(p2v) && Object.prototype.hasOwnProperty.call(p2v, 'data')) {
      out.pathToVictory = { ...p2v, data: overlayP2vData(p2v.data, moved.fields) }
    } else return undefined
  }
  // Spreading keeps legacy's key order, so equal values print as the same text.
  return JSON.stringify(out) === JSON.stringify(json) ? undefined : out
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
