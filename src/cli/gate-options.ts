// The stage gate's thresholds as command-line options, shared by `npm run gate` (bare names) and
// `npm run contract` (prefixed `--gate-`): one spelling, one parser, one set of checks.
import { parseDuration, parseThreshold, type GateOptions } from '../review/index.js'
import { wholeNumber } from './io.js'

const NAMES = ['window', 'min-comparisons', 'min-orgs', 'max-mismatch-rate', 'error-tolerance', 'latency-tolerance'] as const

/** parseArgs option specs: `{ 'gate-window': { type: 'string' }, … }` for prefix 'gate-'. */
export function gateOptionSpecs<P extends string>(prefix: P): Record<`${P}${(typeof NAMES)[number]}`, { type: 'string' }> {
  return Object.fromEntries(NAMES.map((n) => [`${prefix}${n}`, { type: 'string' }])) as Record<`${P}${(typeof NAMES)[number]}`, { type: 'string' }>
}

/** The thresholds the options set (unset ones keep the gate's defaults); throws on a bad value, naming the option. */
export function gateOptionsFrom(values: Record<string, unknown>, prefix: string): Partial<GateOptions> {
  const text = (n: (typeof NAMES)[number]) => values[`${prefix}${n}`] as string | undefined
  const flag = (n: string) => `--${prefix}${n}`
  const options: Partial<GateOptions> = {}
  const window = text('window')
  if (window !== undefined) {
    parseDuration(window)
    options.window = window
  }
  const minComparisons = text('min-comparisons')
  if (minComparisons !== undefined) options.minComparisons = wholeNumber(flag('min-comparisons'), minComparisons, 0, 0, Number.MAX_SAFE_INTEGER)
  const minOrgs = text('min-orgs')
  if (minOrgs !== undefined) options.minOrgs = wholeNumber(flag('min-orgs'), minOrgs, 0, 0, Number.MAX_SAFE_INTEGER)
  const rate = text('max-mismatch-rate')
  if (rate !== undefined) options.maxMismatchRate = parseThreshold(flag('max-mismatch-rate'), rate, 0)
  const errors = text('error-tolerance')
  if (errors !== undefined) options.errorTolerance = parseThreshold(flag('error-tolerance'), errors, 0)
  const latency = text('latency-tolerance')
  if (latency !== undefined) options.latencyTolerance = parseThreshold(flag('latency-tolerance'), latency, 0)
  return options
}
