// The stage gate's thresholds as command-line options, shared by `npm run gate` (bare names) and
// `npm run contract` (prefixed `--gate-`): one spelling, one parser, one set of checks.
import { parseDuration, parseThreshold, type GateOptions } from '../review/index.js'

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
  if (minComparisons !== undefined) options.minComparisons = whole(flag('min-comparisons'), minComparisons)
  const minOrgs = text('min-orgs')
  if (minOrgs !== undefined) options.minOrgs = whole(flag('min-orgs'), minOrgs)
  const rate = text('max-mismatch-rate')
  if (rate !== undefined) options.maxMismatchRate = parseThreshold(flag('max-mismatch-rate'), rate, 0)
  const errors = text('error-tolerance')
  if (errors !== undefined) options.errorTolerance = parseThreshold(flag('error-tolerance'), errors, 0)
  const latency = text('latency-tolerance')
  if (latency !== undefined) options.latencyTolerance = parseThreshold(flag('latency-tolerance'), latency, 0)
  return options
}

function whole(flag: string, text: string): number {
  const n = Number(text.replace(/_/g, ''))
  if (!/^\d[\d_]*$/.test(text) || !Number.isSafeInteger(n)) throw new Error(`${flag} must be a whole number, got ${JSON.stringify(text)}`)
  return n
}
