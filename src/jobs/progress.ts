// Progress of a job for people: a redrawn bar with rate and ETA on a terminal, plain lines at most every
// few seconds otherwise (CI logs, `kubectl logs`), so a long backfill is watchable either way.
import type { Progress } from './types.js'

export type ProgressPrinter = { update: (p: Progress) => void; end: () => void }

/**
 * @example const printer = progressPrinter(process.stderr); await runJob(sql, job, { onProgress: printer.update }); printer.end()
 */
export function progressPrinter(stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }, opts: { everyMs?: number } = {}): ProgressPrinter {
  const tty = Boolean(stream.isTTY)
  const every = opts.everyMs ?? 5000
  let lastLine = 0
  let drawn = false
  return {
    update(p) {
      if (tty) {
        const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 70))
        stream.write(`\r${bar(p, width)} ${describe(p)}\x1b[K`)
        drawn = true
        return
      }
      const now = Date.now()
      if (!p.finished && !p.waiting && now - lastLine < every) return
      lastLine = now
      stream.write(`${describe(p)}\n`)
    },
    end() {
      if (tty && drawn) stream.write('\n')
      drawn = false
    },
  }
}

/** `campaigns 41.2% 412,000/1,000,000 · 38,511/s · ETA 15s` */
export function describe(p: Progress): string {
  const pct = p.total ? ` ${((100 * p.done) / Math.max(1, p.total)).toFixed(1)}%` : ''
  const count = p.total === null ? fmt(p.done) : `${fmt(p.done)}/${fmt(p.total)}`
  const rate = p.rate > 0 ? ` · ${fmt(Math.round(p.rate))}/s` : ''
  const eta = p.finished ? ' · done' : p.etaSeconds !== null ? ` · ETA ${duration(p.etaSeconds)}` : ''
  const waiting = p.waiting ? ` · waiting: ${p.waiting}` : ''
  return `${p.job} [${p.part}]${pct} ${count}${rate}${eta}${waiting}`
}

function bar(p: Progress, width: number): string {
  const share = p.total ? Math.min(1, p.done / Math.max(1, p.total)) : 0
  const full = Math.round(share * width)
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`
}

function fmt(n: number): string {
  return n.toLocaleString('en-US')
}

export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)}s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`
  return `${Math.floor(seconds / 3600)}h${String(Math.round((seconds % 3600) / 60)).padStart(2, '0')}m`
}
