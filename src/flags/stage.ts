// The one rule that turns an Unleash evaluation into a routing stage, and the context that makes every rollout stick
// on the organization (falling back to the user), apart from where the flags come from.
import type { Context } from 'unleash-client'

/** off: legacy only; shadow: legacy answers, the new handler runs beside it; live: the new handler answers. */
export type Stage = 'off' | 'shadow' | 'live'

/** Who a request is for. The organization decides the rollout bucket; the user stands in when there is none. */
export type FlagContext = { organizationId?: string; userId?: string | number }

/** The part of unleash-client the rule needs (an `Unleash` instance is one). */
export interface Evaluator {
  getVariant(name: string, context?: Context): { name: string; enabled: boolean; feature_enabled?: boolean }
  isEnabled(name: string, context?: Context): boolean
}

/** Nothing loaded yet: every flag is off, so every request goes to legacy. */
export const NO_FLAGS: Evaluator = {
  getVariant: () => ({ name: 'disabled', enabled: false, feature_enabled: false }),
  isEnabled: () => false,
}

/**
 * The unleash-client context for a request.
 *
 * flexibleRollout with `stickiness: "organizationId"` reads `context.organizationId ?? context.properties.organizationId`
 * and, when that is missing, is simply off (it does not fall back by itself). So the sticky id always goes into
 * `properties.organizationId`: the organization's id, else the user's. `userId` is set too (the user's, else the
 * organization's) so a strategy left on `default` stickiness is sticky per request owner as well. With neither id the
 * context stays empty: an anonymous request gets no rollout and stays on legacy.
 * @example toUnleashContext({ userId: 42 }) // { userId: '42', properties: { organizationId: '42' } }
 */
export function toUnleashContext(ctx: FlagContext | undefined): Context {
  const userId = ctx?.userId === undefined || ctx.userId === '' ? undefined : String(ctx.userId)
  const sticky = ctx?.organizationId || userId
  if (!sticky) return {}
  return { userId: userId ?? sticky, properties: { organizationId: sticky } }
}

/**
 * Disabled → off; enabled with strategy variant `live` → live; variant `shadow`, no variant, or any other variant →
 * shadow (the safe side: legacy still answers).
 */
export function stageOf(variant: { name: string; enabled: boolean; feature_enabled?: boolean }): Stage {
  if (!variant.feature_enabled) return 'off'
  return variant.enabled && variant.name === 'live' ? 'live' : 'shadow'
}
