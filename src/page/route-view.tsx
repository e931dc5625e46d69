// One migrated route on one screen: its flag and stage split, the backfill behind it, match rate over
// time, mismatch groups with triage, noise, expected differences, latency per side, replays and the
// gate for its next step.
import type { RouteEntry } from '../routes/types.js'
import type { BackfillProgress, Example, GateResult, Report, ReplayRun, RouteReport, TriageMark } from '../review/index.js'
import { pct } from '../review/index.js'
import { MatchChart } from './chart.js'
import { Groups, MarkLine } from './groups.js'
import { Layout } from './layout.js'
import { Backfill, Fields, Gate, Origins, Runs, StageSplit } from './panels.js'

export type Split = { off: number; shadow: number; live: number }
export type RouteViewProps = {
  who: string
  routeId: string
  window: string
  report: Report
  route: RouteReport | null
  entry: RouteEntry | undefined
  flag: string
  configured: (Split & { enabled: boolean; exact: boolean }) | null
  observed: Split | null
  backfill: BackfillProgress[] | null
  examples: Map<number, Example>
  history: TriageMark[]
  runs: ReplayRun[]
  gate: GateResult | null
}

export function RouteView(p: RouteViewProps) {
  const r = p.route
  return (
    <Layout title={p.routeId} who={p.who}>
      <h1>
        {p.routeId} {p.entry ? <span class="muted mono">{p.entry.method} {p.entry.path}</span> : null}
      </h1>
      {p.entry ? <p class="muted">Phase {p.entry.phase} · {p.entry.kind} · {p.entry.summary}</p> : <p class="muted">Not in the current route table.</p>}
      <WindowNav routeId={p.routeId} current={p.window} />
      <div class="grid">
        <section>
          <h2>Flag {p.flag}</h2>
          <StageSplit configured={p.configured} observed={p.observed} />
        </section>
        <section>
          <h2>Backfill</h2>
          <Backfill progress={p.backfill} />
        </section>
        <section>
          <h2>Gate for the next step</h2>
          <Gate gate={p.gate} />
        </section>
      </div>
      {r ? <RouteBody {...p} route={r} /> : <section><p class="muted">No comparisons for this route in this window.</p></section>}
    </Layout>
  )
}

function RouteBody(p: RouteViewProps & { route: RouteReport }) {
  const r = p.route
  const t = r.traffic
  return (
    <>
      <section>
        <h2>Comparisons</h2>
        <p>
          <b>{t.compared}</b> compared across <b>{t.orgs}</b> organizations · match <b class={r.matchRate !== null && r.matchRate < 0.99 ? 'bad' : 'good'}>{pct(r.matchRate)}</b> ·
          mismatch {pct(r.mismatchRate)} raw, <b class="adjusted">{pct(r.adjusted.rate)}</b> after noise, triage and verified fixes ({r.adjusted.mismatches})
        </p>
        <MatchChart points={r.timeline.points} since={p.report.since} until={p.report.until} bucketMs={r.timeline.bucketMs} />
        <Origins route={r} />
      </section>
      <section>
        <h2>Mismatch groups</h2>
        <form method="post" action="/_proxy/replay" class="inline">
          <input type="hidden" name="route" value={p.routeId} />
          <button type="submit">replay this route's stored mismatches</button>
        </form>
        <Groups route={p.routeId} groups={r.groups} examples={p.examples} />
      </section>
      <div class="grid">
        <section>
          <h2>Mismatched field paths</h2>
          <Fields rows={r.fields} empty="none beyond noise" />
        </section>
        <section>
          <h2>Noise (legacy against itself)</h2>
          <p class="muted">{r.byOrigin.noise?.compared ?? 0} noise samples; a field is a mismatch only when its rate beats its noise rate by more than {pct(p.report.thresholds.relative, 0)} relative and {pct(p.report.thresholds.absolute, 3)} absolute.</p>
          <Fields rows={r.noiseFields} empty="no noise fields" />
        </section>
      </div>
      <section>
        <h2>Expected differences</h2>
        {r.expected.length ? (
          <table>
            <thead><tr><th>group</th><th>field paths</th><th class="num">count</th><th>triage</th></tr></thead>
            <tbody>
              {r.expected.map((g) => (
                <tr><td><code>{g.signature}</code></td><td class="mono">{g.keys.join(', ')}</td><td class="num">{g.count}</td><td>{g.mark ? <MarkLine mark={g.mark} /> : <span class="muted">route rule</span>}</td></tr>
              ))}
            </tbody>
          </table>
        ) : <p class="muted">none</p>}
      </section>
      <div class="grid">
        <section>
          <h2>Replays</h2>
          <Runs runs={p.runs} />
        </section>
        <section>
          <h2>Triage history</h2>
          {p.history.length ? <ul>{p.history.slice(0, 20).map((m) => <li><code>{m.signature}</code> <MarkLine mark={m} /></li>)}</ul> : <p class="muted">no marks yet</p>}
        </section>
      </div>
    </>
  )
}

function WindowNav(p: { routeId: string; current: string }) {
  return (
    <nav class="windows">
      window:{' '}
      {['1h', '6h', '24h', '7d'].map((w) =>
        w === p.current ? <b>{w} </b> : <a href={`/_proxy/routes/${encodeURIComponent(p.routeId)}?since=${w}`}>{w} </a>,
      )}
    </nav>
  )
}
