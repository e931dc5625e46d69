// Latency histogram at 1 µs resolution, because autocannon's own one rounds to whole milliseconds.

// At whole milliseconds a sub-millisecond "p50 added" is unmeasurable: direct and proxied p50 both print as 0 ms.

/** Exact 1 µs buckets up to this many µs (400 KB of counters); slower answers are kept one by one. */
const LINEAR_US = 100_000

export class LatencyHistogram {
  private readonly counts = new Uint32Array(LINEAR_US)
  private readonly slow: number[] = []
  count = 0

  /** @example h.record(0.412) // ms, as autocannon reports a response time */
  record(ms: number): void {
    const us = Math.round(ms * 1000)
    if (us < LINEAR_US) this.counts[us < 0 ? 0 : us]!++
    else this.slow.push(us)
    this.count++
  }

  /** Adds another histogram's samples (rounds of one side are merged before percentiles). */
  add(other: LatencyHistogram): this {
    for (let i = 0; i < LINEAR_US; i++) this.counts[i]! += other.counts[i]!
    for (const us of other.slow) this.slow.push(us)
    this.count += other.count
    return this
  }

  /** The smallest value (ms) with at least p % of the samples at or below it; null when empty. */
  percentile(p: number): number | null {
    if (this.count === 0) return null
    const rank = Math.max(1, Math.ceil((p / 100) * this.count))
    let seen = 0
    for (let i = 0; i < LINEAR_US; i++) {
      seen += this.counts[i]!
      if (seen >= rank) return i / 1000
    }
    const sorted = [...this.slow].sort((a, b) => a - b)
    return sorted[rank - seen - 1]! / 1000
  }
}

/** a's p-th percentile over b's (null when either is empty or b's is 0): the ratios the sections print. */
export function percentileRatio(a: LatencyHistogram, b: LatencyHistogram, p: number): number | null {
  const x = a.percentile(p)
  const y = b.percentile(p)
  return x === null || y === null || y === 0 ? null : x / y
}

export function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0)
}
