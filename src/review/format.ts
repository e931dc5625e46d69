// Plain-text renderings of the report and of a gate answer, for terminals and for the evidence column
// of the contract log: one screen per route, the numbers a reviewer decides from first.
import type { GateResult } from './gate.js'
import type { FieldRow, GroupRow, Report, RouteReport } from './report.js'

export const pct = (x: number | null | undefined, digits = 2) => (x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(digits)} %`)
const ms = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : `${x.toFixed(1)} ms`)

/** @example out(formatReport(await buildReport(sql, filter))) */
export function formatReport(r: Report): string {
  const head = [
    `diff report ${r.since.toISOString()} → ${r.until.toISOString()}` +
      (r.filter.route ? ` route=${r.filter.route}` : '') +
      (r.filter.flag ? ` flag=${r.filter.flag}` : '') +
      (r.filter.organizationId ? ` org=${r.filter.organizationId}` : ''),
    `a field counts as a mismatch when its rate beats its noise rate by > ${pct(r.thresholds.relative, 0)} relative and > ${pct(r.thresholds.absolute, 3)} absolute`,
  ]
  if (!r.routes.length) return [...head, '', 'no comparisons in this window'].join('\n')
  return [...head, ...r.routes.flatMap((route) => ['', ...formatRoute(route)])].join('\n')
}

function formatRoute(r: RouteReport): string[] {
  const t = r.traffic
  const lines = [
    `== ${r.route}  (flag ${r.flag})`,
    `comparisons ${t.compared} across ${t.orgs} organizations · match ${pct(r.matchRate)} · mismatch ${pct(r.mismatchRate)} raw, ${pct(r.adjusted.rate)} noise-adjusted (${r.adjusted.mismatches})`,
    `outcomes by origin:`,
    ...(['shadow', 'verify', 'noise', 'replay'] as const).flatMap((o) => {
      const c = r.byOrigin[o]
      if (!c) return []
      return [`  ${o.padEnd(7)} total ${c.total}  match ${c.match}  expected ${c.expected}  mismatch ${c.mismatch}  new-error ${c.newError}  timeout ${c.timeout}  legacy-error ${c.legacyError} (timeouts ${c.legacyTimeout})  skipped ${c.skipped}`]
    }),
    `latency p50/p99: legacy ${ms(r.latency?.legacy.p50)} / ${ms(r.latency?.legacy.p99)} · new ${ms(r.latency?.new.p50)} / ${ms(r.latency?.new.p99)}`,
  ]
  lines.push(r.fields.length ? 'mismatched field paths (count, share of comparisons, noise rate, examples):' : 'mismatched field paths: none beyond noise')
  for (const f of r.fields.slice(0, 15)) lines.push(`  ${fieldLine(f)}`)
  if (r.noiseFields.length) {
    lines.push('noise (legacy differs from itself about as often, or too rare to count):')
    for (const f of r.noiseFields.slice(0, 10)) lines.push(`  ${fieldLine(f)}  [${f.verdict}]`)
  }
  if (r.groups.length) {
    lines.push('mismatch groups by signature (count, share of mismatches, organizations, status):')
    for (const g of r.groups.slice(0, 10)) lines.push(`  ${groupLine(g)}`)
  }
  if (r.expected.length) {
    lines.push('expected differences:')
    for (const g of r.expected.slice(0, 10)) lines.push(`  ${g.signature}  ${g.count}×  ${g.keys.join(', ')}`)
  }
  return lines
}

function fieldLine(f: FieldRow): string {
  const triaged = f.triagedExpected ? '  (triaged expected)' : ''
  return `${f.path} ${f.kind}  ${f.raw}×  ${pct(f.rawRate)}  noise ${pct(f.noiseRate)}  e.g. #${f.examples.join(', #')}${triaged}`
}

function groupLine(g: GroupRow): string {
  const mark = g.mark ? ` by ${g.mark.markedBy} ${g.mark.markedAt.toISOString()}${g.mark.reason ? `: ${g.mark.reason}` : ''}` : ''
  return `${g.signature}  ${g.count}×  ${pct(g.share, 1)}  ${g.orgs} orgs  [${g.status}${mark}]  ${g.keys.join(', ')}  e.g. #${g.examples.join(', #')}`
}

/** @example out(formatGate(await checkGate(sql, 'org.reads', 'live'))) */
export function formatGate(g: GateResult): string {
  const e = g.evidence
  const lines = [
    `gate ${g.flag} → ${g.target}: ${g.ok ? 'YES' : 'NO'}  (window ${g.options.window}: ${e.since} → ${e.until})`,
    ...g.checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.actual} (needs ${c.required})`),
  ]
  for (const r of e.routes) {
    const fields = r.topFields.length ? `; differing: ${r.topFields.join(', ')}` : ''
    lines.push(`  route ${r.route}: ${r.comparisons} comparisons, ${r.mismatches} mismatches (${r.adjustedMismatches} after noise and triage)${fields}`)
  }
  return lines.join('\n')
}
