// The small panels of a route's view: stage split, backfill, gate, outcomes per origin with latency,
// field paths and replay runs. Each takes report data and renders it; none queries anything.
import type { BackfillProgress, FieldRow, GateResult, ReplayRun, RouteReport } from '../review/index.js'
import { pct } from '../review/index.js'
import type { RouteViewProps, Split } from './route-view.js'

const ms = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : `${x.toFixed(1)} ms`)
const when = (d: Date | null) => (d ? d.toISOString().slice(0, 19).replace('T', ' ') : '–')

export function StageSplit(p: { configured: RouteViewProps['configured']; observed: Split | null }) {
  const c = p.configured
  const total = p.observed ? p.observed.off + p.observed.shadow + p.observed.live : 0
  return (
    <table>
      <thead><tr><th></th><th class="num">off</th><th class="num">shadow</th><th class="num">live</th></tr></thead>
      <tbody>
        <tr>
          <td>configured{c && !c.exact ? ' (estimate)' : ''}</td>
          {c ? <><td class="num">{c.off} %</td><td class="num">{c.shadow} %</td><td class="num">{c.live} %</td></> : <td colspan={3} class="muted">flag unknown to the flag source</td>}
        </tr>
        <tr>
          <td>requests since start</td>
          {p.observed && total ? <><td class="num">{p.observed.off}</td><td class="num">{p.observed.shadow}</td><td class="num">{p.observed.live}</td></> : <td colspan={3} class="muted">none yet</td>}
        </tr>
      </tbody>
    </table>
  )
}

export function Backfill(p: { progress: BackfillProgress[] | null }) {
  if (!p.progress || !p.progress.length) return <p class="muted">no backfill recorded</p>
  return (
    <table>
      <thead><tr><th>job</th><th>status</th><th class="num">done</th><th>updated</th></tr></thead>
      <tbody>
        {p.progress.map((b) => (
          <tr>
            <td class="mono">{b.job}</td>
            <td>{b.status}{b.lastError ? <div class="bad">{b.lastError}</div> : null}</td>
            <td class="num">{b.done}{b.total !== null ? ` / ${b.total} (${pct(b.total ? b.done / b.total : 1, 0)})` : ''}</td>
            <td class="muted">{when(b.updatedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export function Gate(p: { gate: GateResult | null }) {
  const g = p.gate
  if (!g) return <p class="muted">no gate for this flag</p>
  return (
    <div class="gate">
      <p>
        → <b>{g.target}</b>: <b class={g.ok ? 'good' : 'bad'}>{g.ok ? 'yes' : 'no'}</b> <span class="muted">(window {g.options.window})</span>
      </p>
      <ul>{g.checks.map((c) => <li class={c.ok ? '' : 'bad'}>{c.name}: {c.actual} <span class="muted">(needs {c.required})</span></li>)}</ul>
    </div>
  )
}

export function Origins(p: { route: RouteReport }) {
  const r = p.route
  return (
    <table>
      <thead>
        <tr><th>origin</th><th class="num">total</th><th class="num">match</th><th class="num">expected</th><th class="num">mismatch</th><th class="num">new errors</th><th class="num">new timeouts</th><th class="num">legacy errors</th><th class="num">skipped</th></tr>
      </thead>
      <tbody>
        {(['shadow', 'verify', 'noise', 'replay'] as const).map((o) => {
          const c = r.byOrigin[o]
          return c ? (
            <tr><td>{o}</td><td class="num">{c.total}</td><td class="num">{c.match}</td><td class="num">{c.expected}</td><td class="num">{c.mismatch}</td><td class="num">{c.newError}</td><td class="num">{c.timeout}</td><td class="num">{c.legacyError}</td><td class="num">{c.skipped}</td></tr>
          ) : null
        })}
        <tr>
          <td>latency p50 / p99</td>
          <td colspan={8}>legacy {ms(r.latency?.legacy.p50)} / {ms(r.latency?.legacy.p99)} · new {ms(r.latency?.new.p50)} / {ms(r.latency?.new.p99)}</td>
        </tr>
      </tbody>
    </table>
  )
}

export function Fields(p: { rows: FieldRow[]; empty: string }) {
  if (!p.rows.length) return <p class="muted">{p.empty}</p>
  return (
    <table class="fields">
      <thead><tr><th>field path</th><th>kind</th><th class="num">count</th><th class="num">rate</th><th class="num">noise</th></tr></thead>
      <tbody>
        {p.rows.slice(0, 20).map((f) => (
          <tr>
            <td class="mono field">{f.path}{f.triagedExpected ? <span class="pill expected"> expected</span> : null}</td>
            <td>{f.kind}</td>
            <td class="num">{f.raw}</td>
            <td class="num">{pct(f.rawRate)}</td>
            <td class="num">{pct(f.noiseRate)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export function Runs(p: { runs: ReplayRun[] }) {
  if (!p.runs.length) return <p class="muted">no replays yet</p>
  return (
    <table class="runs">
      <thead><tr><th>run</th><th>by</th><th>status</th><th class="num">now match</th><th class="num">still differ</th><th class="num">failed</th></tr></thead>
      <tbody>
        {p.runs.map((r) => (
          <tr data-run={String(r.id)}>
            <td>#{r.id} {r.signature ? <code>{r.signature}</code> : null}<div class="muted">{when(r.requestedAt)}</div></td>
            <td>{r.requestedBy}</td>
            <td>{r.status}{r.error ? <div class="bad">{r.error}</div> : null}</td>
            <td class="num">{r.matched} / {r.total}</td>
            <td class="num">{r.stillDiffer}</td>
            <td class="num">{r.failed}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
