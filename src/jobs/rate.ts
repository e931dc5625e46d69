// Rate and ETA for progress lines: keys per second over a sliding window of recent batches, so a
// pause for an unhealthy database or a slow start does not skew the estimate for long.
export class RateMeter {
  private readonly samples: { at: number; n: number }[] = []
  constructor(private readonly windowMs = 10_000) {}

  add(n: number, at = performance.now()): void {
    this.samples.push({ at, n })
    while (this.samples.length > 2 && at - this.samples[0]!.at > this.windowMs) this.samples.shift()
  }

  /** Keys per second over the window (0 before two samples). */
  rate(): number {
    if (this.samples.length < 2) return 0
    const first = this.samples[0]!
    const last = this.samples.at(-1)!
    const n = this.samples.slice(1).reduce((a, s) => a + s.n, 0)
    const s = (last.at - first.at) / 1000
    return s > 0 ? n / s : 0
  }

  eta(done: number, total: number | null): number | null {
    const r = this.rate()
    if (total === null || r <= 0) return null
    return Math.max(0, (total - done) / r)
  }
}
