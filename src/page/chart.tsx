// Match rate over time as a small inline SVG: one bar per time bucket, its height the share of
// compared requests that matched (or differed only as expected), red for the mismatched rest.
import type { TimelinePoint } from '../review/index.js'

const W = 640
const H = 120
const PAD = 36

/** @example <MatchChart points={route.timeline.points} since={report.since} until={report.until} bucketMs={route.timeline.bucketMs} /> */
export function MatchChart(props: { points: TimelinePoint[]; since: Date; until: Date; bucketMs: number }) {
  const span = Math.max(1, props.until.getTime() - props.since.getTime())
  const plotW = W - PAD - 8
  const plotH = H - 24
  const barW = Math.max(2, (props.bucketMs / span) * plotW - 1)
  const x = (t: Date) => PAD + ((t.getTime() - props.since.getTime()) / span) * plotW
  const bars = props.points.filter((p) => p.compared > 0)
  return (
    <svg class="chart" role="img" aria-label="match rate over time" viewBox={`0 0 ${W} ${H}`} width={W} height={H}>
      <line x1={PAD} y1={4} x2={PAD} y2={4 + plotH} stroke="#c5cad3" />
      <line x1={PAD} y1={4 + plotH} x2={W - 8} y2={4 + plotH} stroke="#c5cad3" />
      <text x={PAD - 4} y={10} font-size="10" text-anchor="end" fill="#6b7385">100%</text>
      <text x={PAD - 4} y={4 + plotH / 2 + 3} font-size="10" text-anchor="end" fill="#6b7385">50%</text>
      <text x={PAD - 4} y={4 + plotH} font-size="10" text-anchor="end" fill="#6b7385">0%</text>
      {bars.map((p) => {
        const rate = p.ok / p.compared
        const okH = rate * plotH
        const left = Math.max(PAD + 1, x(p.at))
        return (
          <g>
            <title>{`${p.at.toISOString()}: ${(rate * 100).toFixed(1)} % of ${p.compared} matched, ${p.mismatch} mismatched, ${p.errors} errors`}</title>
            <rect x={left} y={4 + plotH - okH} width={barW} height={okH} fill="#32a06a" />
            <rect x={left} y={4} width={barW} height={plotH - okH} fill="#e5484d" opacity="0.85" />
          </g>
        )
      })}
      <text x={PAD} y={H - 4} font-size="10" fill="#6b7385">{props.since.toISOString().slice(0, 16).replace('T', ' ')}</text>
      <text x={W - 8} y={H - 4} font-size="10" text-anchor="end" fill="#6b7385">{props.until.toISOString().slice(0, 16).replace('T', ' ')} UTC</text>
    </svg>
  )
}
