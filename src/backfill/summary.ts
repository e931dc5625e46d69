// The backfill's summary for people: organizations created per outcome category, values rejected per
// legacy field path, rows skipped because already linked.
import { OUTCOMES } from '../organizations/index.js'
import type { Tally } from '../jobs/index.js'

export function formatBackfillSummary(tally: Tally, opts: { dryRun?: boolean } = {}): string[] {
  const verb = opts.dryRun ? 'would create' : 'created'
  const created = OUTCOMES.reduce((n, o) => n + (tally[`outcome:${o}`] ?? 0), 0)
  const lines = [`organizations ${verb}: ${created}${tally['already-linked'] ? ` (${tally['already-linked']} rows already linked, skipped)` : ''}`]
  for (const o of OUTCOMES) lines.push(`  ${o.padEnd(16)} ${String(tally[`outcome:${o}`] ?? 0).padStart(10)}`)
  const invalid = Object.entries(tally).filter(([k]) => k.startsWith('invalid:')).sort((a, b) => b[1] - a[1])
  lines.push(invalid.length ? 'legacy values rejected (stored as null):' : 'legacy values rejected: none')
  for (const [k, n] of invalid) lines.push(`  ${k.slice('invalid:'.length).padEnd(36)} ${String(n).padStart(10)}`)
  return lines
}
