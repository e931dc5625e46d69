// The page's front: every migrated route with its flag, stage split and how its comparisons stand,
// each linking to its own view.
import type { RouteEntry } from '../routes/types.js'
import type { Report } from '../review/index.js'
import { pct } from '../review/index.js'
import { Layout } from './layout.js'
import type { Split } from './route-view.js'

export type OverviewProps = {
  who: string
  window: string
  report: Report
  routes: readonly RouteEntry[]
  splits: Record<string, Split | null>
}

export function Overview(p: OverviewProps) {
  const ids = [...new Set([...p.routes.map((r) => r.id), ...p.report.routes.map((r) => r.route)])]
  return (
    <Layout title="Diff review" who={p.who}>
      <h1>Migrated routes</h1>
      <p class="muted">
        Window {p.report.since.toISOString().slice(0, 16).replace('T', ' ')} → {p.report.until.toISOString().slice(0, 16).replace('T', ' ')} UTC ·{' '}
        {['1h', '6h', '24h', '7d'].map((w) => (w === p.window ? <b>{w} </b> : <a href={`/_proxy/?since=${w}`}>{w} </a>))}
      </p>
      <section>
        {ids.length ? (
          <table class="routes">
            <thead>
              <tr>
                <th>route</th><th>flag</th><th>off / shadow / live</th><th class="num">compared</th><th class="num">match</th><th class="num">mismatch (adjusted)</th><th class="num">open groups</th>
              </tr>
            </thead>
            <tbody>
              {ids.map((id) => {
                const entry = p.routes.find((r) => r.id === id)
                const r = p.report.routes.find((x) => x.route === id)
                const flag = entry?.flag ?? r?.flag ?? ''
                const split = p.splits[flag]
                return (
                  <tr data-route={id}>
                    <td>
                      <a href={`/_proxy/routes/${encodeURIComponent(id)}?since=${p.window}`}>{id}</a>
                      {entry ? <div class="muted mono">{entry.method} {entry.path}</div> : null}
                    </td>
                    <td class="mono">{flag}</td>
                    <td>{split ? `${split.off} % / ${split.shadow} % / ${split.live} %` : <span class="muted">–</span>}</td>
                    <td class="num">{r?.traffic.compared ?? 0}</td>
                    <td class="num">{pct(r?.matchRate ?? null)}</td>
                    <td class="num">{pct(r?.mismatchRate ?? null)} ({pct(r?.adjusted.rate ?? null)})</td>
                    <td class="num">{r ? r.groups.filter((g) => g.status === 'open' || g.status === 'bug').length : 0}</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        ) : (
          <p class="muted">No migrated routes and no comparisons yet.</p>
        )}
      </section>
    </Layout>
  )
}
