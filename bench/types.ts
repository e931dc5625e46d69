// The contract between the bench runner and its sections: a section measures and returns rows.
import type { BenchChild, SpawnOptions } from './lib/children.js'
import type { LoadOptions, LoadResult } from './lib/load.js'

/** A bound a measured figure is held to; the runner prints PASS/FAIL but never fails the run on it. */
export type Target = {
  op: '<=' | '<' | '>=' | '>'
  value: number
}

/**
 * One measured figure. Rows with the same `table` are printed as one grid: one line per `case`,
 * one column per `metric` (in order of first appearance), so a section returns flat rows and still
 * reads as a table.
 */
export type Row = {
  /** Sub-table inside the section, e.g. 'load' or 'transfers'; rows without it share one grid. */
  table?: string
  /** The grid line, e.g. 'small JSON · 10 conns'. */
  case: string
  /** The grid column, e.g. 'proxied/direct'. Keep it short: it is a column header. */
  metric: string
  /** null when the figure could not be measured (printed as '—', a target on it fails). */
  value: number | string | null
  /** Printed in the header: 'rps', '×', 'ms', 'µs', 'MiB', '' … */
  unit: string
  /** Decimals when printed; defaults by unit. */
  digits?: number
  target?: Target
  /** Printed under the grid, e.g. the spread over rounds or why a figure is suspect. */
  note?: string
}

export type BenchOptions = {
  /** Seconds of each measured load run. */
  durationSec: number
  /** Measured runs per side (direct, proxied …), alternated A B A B. */
  rounds: number
  /** Seconds of load per side before the first measured run of a case. */
  warmupSec: number
  /** When set, proxy children run with --cpu-prof and write their profiles here. */
  cpuProfDir: string | null
}

export type BenchContext = {
  options: BenchOptions
  /**
   * Starts `node --import tsx <script>` with an IPC channel and waits for its ready message. Every
   * child started here is stopped when the section ends, whatever happens.
   */
  spawn(script: string | URL, opts?: SpawnOptions): Promise<BenchChild>
  /** One autocannon run from this process, latency kept at 1 µs resolution. */
  load(opts: LoadOptions): Promise<LoadResult>
  /** A progress line on stderr (never mixed into --json output). */
  progress(message: string): void
}

export type Section = {
  /** Command-line name: `npm run bench -- <name>`. */
  name: string
  /** Heading of its block in the report. */
  title: string
  /** Runs with a bare `npm run bench`; false for opt-in sections (slow ones such as backfill). */
  byDefault: boolean
  run(ctx: BenchContext): Promise<Row[]>
}
