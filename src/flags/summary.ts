// What share of organizations each flag puts in each stage, read off its strategies, so /_proxy/status can say
// "org.reads: 10 % live, 90 % shadow" without evaluating anyone.
import type { FeatureInterface } from 'unleash-client/lib/feature.js'

export type FlagSummary = {
  enabled: boolean
  type?: string
  /** Percent of sticky ids the flag is on for (what isEnabled() answers, e.g. org.dual-write). */
  on: number
  /** Percent of sticky ids in each stage (adds up to 100; enabled without a variant counts as shadow). */
  split: { off: number; shadow: number; live: number }
  /** False when constraints, differing group ids or unknown strategies make the split an estimate. */
  exact: boolean
}

/**
 * Strategies run in order and the first that matches decides. Rollouts that share a group id and stickiness hash an
 * id to the same bucket, so strategy i takes the buckets between the largest earlier rollout and its own.
 */
export function summarize(feature: FeatureInterface): FlagSummary {
  const split = { off: 0, shadow: 0, live: 0 }
  const base = { enabled: feature.enabled, ...(feature.type ? { type: feature.type } : {}) }
  if (!feature.enabled) return { ...base, on: 0, split: { ...split, off: 100 }, exact: true }
  const strategies = feature.strategies ?? []
  // Unleash treats an enabled flag without strategies as on for everyone.
  if (strategies.length === 0) return { ...base, on: 100, split: { ...split, shadow: 100 }, exact: true }
  let covered = 0
  let exact = true
  let bucket: string | undefined
  for (const s of strategies) {
    if (s.constraints?.length || s.segments?.length) exact = false
    let rollout = 100
    if (s.name === 'flexibleRollout') {
      rollout = Math.min(100, Math.max(0, Number(s.parameters.rollout ?? 0)))
      const key = `${s.parameters.groupId ?? feature.name}|${s.parameters.stickiness ?? 'default'}`
      if (bucket !== undefined && key !== bucket) exact = false
      bucket = key
    } else if (s.name !== 'default') {
      exact = false
    }
    const share = Math.max(0, rollout - covered)
    covered = Math.max(covered, rollout)
    const variants = (s.variants ?? []).filter((v) => v.weight > 0)
    const total = variants.reduce((n, v) => n + v.weight, 0)
    if (total === 0) split.shadow += share
    else for (const v of variants) split[v.name === 'live' ? 'live' : 'shadow'] += (share * v.weight) / total
  }
  split.off = 100 - covered
  const round = (n: number) => Math.round(n * 100) / 100
  return {
    ...base,
    on: round(covered),
    split: { off: round(split.off), shadow: round(split.shadow), live: round(split.live) },
    exact,
  }
}
