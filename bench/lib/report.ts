// Turns sections' flat rows into readable grids, checks targets, and builds the --json document.
import type { Row, Section, Target } from '../types.js'
import type { Machine } from './machine.js'

export type SectionReport = {
  section: Pick<Section, 'name' | 'title'>
  rows: Row[]
  seconds: number
  /** Set when the section failed (its rows are then empty). */
  error?: string
}

export type TargetCheck = {
  section: string
  case: string
  metric: string
  value: number | string | null
  unit: string
  target: Target
  pass: boolean
}

const DEFAULT_DIGITS: Record<string, number> = { rps: 0, '×': 2, ms: 3, µs: 1, 'µs/req': 1, MiB: 1, '%': 1, s: 1, 'MiB/s': 0 }

export function formatValue(row: Pick<Row, 'value' | 'unit' | 'digits'>): string {
  const { value } = row
  if (value === null) return '—'
  if (typeof value === 'string') return value
  const digits = row.digits ?? DEFAULT_DIGITS[row.unit] ?? (Number.isInteger(value) ? 0 : 2)
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

export function meets(value: Row['value'], target: Target): boolean {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false
  switch (target.op) {
    case '<=':
      return value <= target.value
    case '<':
      return value < target.value
    case '>=':
      return value >= target.value
    case '>':
      return value > target.value
  }
}

export function targetChecks(reports: SectionReport[]): TargetCheck[] {
  const checks: TargetCheck[] = []
  for (const r of reports) {
    for (const row of r.rows) {
      if (!row.target) continue
      checks.push({
        section: r.section.name,
        case: row.case,
        metric: row.metric,
        value: row.value,
        unit: row.unit,
        target: row.target,
        pass: meets(row.value, row.target),
      })
    }
  }
  return checks
}

function pad(text: string, width: number, right: boolean): string {
  // Characters, not bytes: 'µ' and '×' are one column wide.
  const gap = Math.max(0, width - [...text].length)
  return right ? ' '.repeat(gap) + text : text + ' '.repeat(gap)
}

function header(metric: string, unit: string): string {
  return unit && !metric.includes(unit) ? `${metric} ${unit}` : metric
}

/** One grid: a line per case, a column per metric; a cell with a target carries ✓ or ✗. */
function renderGrid(rows: Row[]): string[] {
  const metrics: { metric: string; unit: string }[] = []
  const cases: string[] = []
  const cells = new Map<string, string>()
  for (const row of rows) {
    if (!metrics.some((m) => m.metric === row.metric)) metrics.push({ metric: row.metric, unit: row.unit })
    if (!cases.includes(row.case)) cases.push(row.case)
    const mark = row.target ? (meets(row.value, row.target) ? ' ✓' : ' ✗') : '  '
    cells.set(`${row.case}\u0000${row.metric}`, formatValue(row) + mark)
  }
  const head = ['', ...metrics.map((m) => header(m.metric, m.unit))]
  const body = cases.map((c) => [c, ...metrics.map((m) => cells.get(`${c}\u0000${m.metric}`) ?? '')])
  const widths = head.map((h, i) => Math.max([...h].length, ...body.map((line) => [...line[i]!].length)))
  const line = (cols: string[]) => '  ' + cols.map((col, i) => pad(col, widths[i]!, i > 0)).join('  ')
  return [line(head), ...body.map(line)]
}

function opText(t: Target): string {
  return { '<=': '≤', '<': '<', '>=': '≥', '>': '>' }[t.op]
}

export function renderReport(machine: Machine, reports: SectionReport[]): string {
  const out: string[] = []
  out.push(
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}, load avg ${machine.loadAverage1m} at start`,
  )
  for (const r of reports) {
    out.push('', `== ${r.section.name}: ${r.section.title} (${r.seconds.toFixed(0)} s) ==`)
    const tables = new Map<string, Row[]>()
    for (const row of r.rows) {
      const key = row.table ?? ''
      if (!tables.has(key)) tables.set(key, [])
      tables.get(key)!.push(row)
    }
    for (const [name, rows] of tables) {
      if (name) out.push('', `  ${name}`)
      out.push(...renderGrid(rows))
      const notes = rows.filter((row) => row.note)
      for (const row of notes) out.push(`    · ${row.case}, ${row.metric}: ${row.note}`)
    }
    if (r.error) out.push('', `  SECTION FAILED: ${r.error}`)
  }
  const checks = targetChecks(reports)
  if (checks.length) {
    out.push('', 'Targets (a miss is reported here; the exit code stays 0)')
    const label = (c: TargetCheck) => `${c.section} · ${c.case} · ${c.metric}`
    const width = Math.max(...checks.map((c) => [...label(c)].length))
    for (const c of checks) {
      const measured = `${formatValue({ value: c.value, unit: c.unit })} ${c.unit}`.trim()
      out.push(`  ${c.pass ? 'PASS' : 'FAIL'}  ${pad(label(c), width, false)}  ${pad(measured, 14, true)}   target ${opText(c.target)} ${c.target.value} ${c.unit}`.trimEnd())
    }
    const failed = checks.filter((c) => !c.pass).length
    out.push(`  ${checks.length - failed}/${checks.length} targets met${failed ? ` — ${failed} MISSED` : ''}`)
  }
  return out.join('\n')
}

export function jsonReport(machine: Machine, options: unknown, reports: SectionReport[]) {
  return {
    machine,
    options,
    finishedAt: new Date().toISOString(),
    sections: reports.map((r) => ({ name: r.section.name, title: r.section.title, seconds: r.seconds, rows: r.rows, ...(r.error ? { error: r.error } : {}) })),
    targets: targetChecks(reports),
  }
}
