// Mismatch groups by signature with their triage forms, and the side-by-side example of a group: the
// stored, redacted diff only (hashed personal values stay hashes), never a raw body.
import type { StoredDifference } from '../compare/index.js'
import type { Example, GroupRow, TriageMark } from '../review/index.js'
import { pct } from '../review/index.js'

const when = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ')

/** @example <Groups route="campaigns.mine" groups={report.groups} examples={map} /> */
export function Groups(props: { route: string; groups: GroupRow[]; examples: Map<number, Example> }) {
  if (!props.groups.length) return <p class="muted">No mismatch groups in this window.</p>
  return (
    <table class="groups">
      <thead>
        <tr>
          <th>group</th><th>field paths</th><th class="num">count</th><th class="num">share</th><th class="num">orgs</th><th>seen</th><th>triage</th>
        </tr>
      </thead>
      <tbody>
        {props.groups.map((g) => (
          <tr id={`g-${g.signature}`} data-signature={g.signature}>
            <td><code>{g.signature}</code></td>
            <td>
              <ul class="mono" style="margin:0;padding-left:16px">{g.keys.map((k) => <li class="field">{k}</li>)}</ul>
              <ExampleDetails ids={g.examples} examples={props.examples} />
            </td>
            <td class="num">{g.count}</td>
            <td class="num">{pct(g.share, 1)}</td>
            <td class="num">{g.orgs}</td>
            <td class="muted nowrap">{when(g.firstAt)}<br />{when(g.lastAt)}</td>
            <td>
              <Status group={g} />
              <TriageForm route={props.route} signature={g.signature} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function Status(props: { group: GroupRow }) {
  const g = props.group
  return (
    <div class="status">
      <span class={`pill ${g.status}`}>{g.status}</span>
      {g.mark ? <MarkLine mark={g.mark} /> : null}
      {g.replay ? (
        <div class="muted">replay #{g.replay.runId}: {g.replay.ok} of {g.replay.total} now match</div>
      ) : null}
    </div>
  )
}

export function MarkLine(props: { mark: TriageMark }) {
  const m = props.mark
  return (
    <div class="muted mark">
      {m.mark} by <b>{m.markedBy}</b> at {when(m.markedAt)}
      {m.reason ? <>: “{m.reason}”</> : null}
    </div>
  )
}

function TriageForm(props: { route: string; signature: string }) {
  return (
    <form method="post" action="/_proxy/triage" class="inline triage">
      <input type="hidden" name="route" value={props.route} />
      <input type="hidden" name="signature" value={props.signature} />
      <input type="text" name="reason" placeholder="reason (required for expected)" aria-label="reason" />
      <button type="submit" name="mark" value="expected">expected</button>
      <button type="submit" name="mark" value="bug">bug</button>
      <button type="submit" name="mark" value="fixed" title="marks it fixed and replays its stored requests">fixed → replay</button>
    </form>
  )
}

function ExampleDetails(props: { ids: number[]; examples: Map<number, Example> }) {
  const list = props.ids.map((id) => props.examples.get(id)).filter((e): e is Example => e !== undefined)
  if (!list.length) return null
  return (
    <details>
      <summary>{list.length} example{list.length > 1 ? 's' : ''} side by side</summary>
      {list.map((e) => <ExampleDiff example={e} />)}
    </details>
  )
}

/** Query values are not shown (they may carry personal data); their names are. */
function requestLine(e: Example): string {
  const names = e.query ? [...new URLSearchParams(e.query).keys()].map((k) => `${k}=…`).join('&') : ''
  return `${e.method} ${e.path}${names ? `?${names}` : ''}`
}

export function ExampleDiff(props: { example: Example }) {
  const e = props.example
  const diffs = e.diff?.differences ?? []
  return (
    <div class="example" data-comparison={String(e.id)}>
      <p class="muted mono">
        #{e.id} · {when(e.at)} · {e.origin} · {requestLine(e)} · status {String(e.legacyStatus ?? '–')} / {String(e.newStatus ?? '–')}
        {e.organizationId ? ` · org ${e.organizationId}` : ''}
      </p>
      <table class="diff">
        <thead><tr><th>path</th><th>kind</th><th>legacy</th><th>new</th></tr></thead>
        <tbody>
          {diffs.map((d) => (
            <tr>
              <td class="mono">{d.path}{d.expected ? <span class="pill expected"> expected</span> : null}</td>
              <td>{d.kind}{d.hashed ? ' (hashed)' : ''}</td>
              <td class="mono l">{show(d, 'legacy')}</td>
              <td class="mono n">{show(d, 'new')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {e.diff && e.diff.omittedDifferences > 0 ? <p class="muted">{e.diff.omittedDifferences} more differences not stored</p> : null}
    </div>
  )
}

function show(d: StoredDifference, side: 'legacy' | 'new'): string {
  const type = side === 'legacy' ? d.legacyType : d.newType
  if (type === 'missing') return '(missing)'
  const v = side === 'legacy' ? d.legacyValue : d.newValue
  return v === undefined ? `(${type})` : JSON.stringify(v)
}
