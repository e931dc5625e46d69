// The engine's view of the triage: the expected-difference rules that "expected" marks added to each
// route, reloaded from the database every few seconds. The engine only reads `version` on its hot
// path and recompiles a route's rules when it moved, so a mark costs nothing per request.
import type { Sql } from 'postgres'
import { expectedRulesFor, type ExpectedRule } from '../compare/index.js'
import type { TriageRules } from '../engine/index.js'
import { currentMarks } from './triage.js'

export type TriageRulesProvider = TriageRules & {
  /** Reloads now (after a mark made in this process, so it applies to the next comparison). */
  refresh(): Promise<void>
  /** Reloads every `refreshMs` until stop(); failures keep the last rules and go to onError. */
  start(): void
  stop(): void
}

/**
 * @example const triage = createTriageRules(sql); await triage.refresh(); triage.start(); createEngine({ ..., triage })
 */
export function createTriageRules(sql: Sql, opts: { refreshMs?: number; onError?: (err: unknown) => void } = {}): TriageRulesProvider {
  let byRoute = new Map<string, ExpectedRule[]>()
  let fingerprint = ''
  let version = 0
  let timer: NodeJS.Timeout | undefined
  let loading: Promise<void> | null = null

  async function load(): Promise<void> {
    const marks = [...(await currentMarks(sql)).values()].filter((m) => m.mark === 'expected').sort((a, b) => a.id - b.id)
    const next = marks.map((m) => m.id).join(',')
    if (next === fingerprint) return
    const rules = new Map<string, ExpectedRule[]>()
    for (const m of marks) {
      const list = rules.get(m.route) ?? []
      list.push(...expectedRulesFor(m.signatureKeys, `${m.reason} (triaged by ${m.markedBy})`))
      rules.set(m.route, list)
    }
    byRoute = rules
    fingerprint = next
    version++
  }

  const refresh = () => (loading ??= load().finally(() => (loading = null)))

  return {
    get version() {
      return version
    },
    expectedFor: (routeId) => byRoute.get(routeId) ?? [],
    refresh,
    start() {
      if (timer) return
      timer = setInterval(() => void refresh().catch((err) => opts.onError?.(err)), opts.refreshMs ?? 5000)
      timer.unref()
    },
    stop() {
      clearInterval(timer)
      timer = undefined
    },
  }
}
