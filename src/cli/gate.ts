// `npm run gate -- <flag> [--to live|100|contract] …`: may the flag move on? Prints the evidence, exits
// 0 for yes and 1 for no; `--override "reason"` goes ahead anyway, recorded with who and why.
import { parseArgs } from 'node:util'
import {
  checkGate, formatGate, GATE_DEFAULTS, GATE_TARGETS, operatorName, recordGate, type GateOptions, type GateTarget,
} from '../review/index.js'
import { describe, reviewDatabase, UsageError } from '../review/cli.js'
import { gateOptionSpecs, gateOptionsFrom } from './gate-options.js'
import { failWith, isMain, runAsProcess, type Io } from './io.js'

const fail = failWith('gate')

const d = GATE_DEFAULTS
const USAGE = `usage: npm run gate -- <flag> [options]
  --to TARGET               live (shadow → live, default), 100 (live → 100 %), contract (a contract step may run)
  --window W                how far back the evidence reaches (defaults: live ${d.live.window}, 100 ${d['100'].window}, contract ${d.contract.window})
  --min-comparisons N       compared requests needed (defaults: ${d.live.minComparisons} / ${d['100'].minComparisons} / ${d.contract.minComparisons})
  --min-orgs K              distinct organizations among them (defaults: ${d.live.minOrgs} / ${d['100'].minOrgs} / ${d.contract.minOrgs})
  --max-mismatch-rate X     noise-adjusted mismatch rate allowed, triaged-expected excluded
                            (defaults: ${d.live.maxMismatchRate} / ${d['100'].maxMismatchRate} / ${d.contract.maxMismatchRate}; 0.5% also works)
  --error-tolerance X       new error rate may exceed legacy's by this (default ${d.live.errorTolerance})
  --latency-tolerance X     new p99 may exceed legacy's by this share, plus ${d.live.latencySlackMs} ms (default ${d.live.latencyTolerance})
  --override "reason"       go ahead although the gate says no; the reason is recorded with the evidence
  --operator NAME           who decides (default: the label of a single-entry ADMIN_TOKEN, else the OS user)
  --json                    the answer as JSON
Reads DATABASE_URL. Every answer is recorded in org_proxy.gate_decision.
Exit codes: 0 yes (or overridden), 1 no, 2 bad arguments or configuration, 3 the database failed.`

export async function run(argv: string[], io: Io): Promise<number> {
  let args: { flag: string; target: GateTarget; options: Partial<GateOptions>; override: string | undefined; operator: string; json: boolean }
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        to: { type: 'string', default: 'live' },
        ...gateOptionSpecs(''),
        override: { type: 'string' },
        operator: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    })
    if (values.help) return io.out(USAGE), 0
    if (positionals.length !== 1) throw new UsageError(positionals.length ? 'one flag at a time' : 'missing the flag (e.g. org.reads)')
    if (!(GATE_TARGETS as readonly string[]).includes(values.to)) throw new UsageError(`--to is one of ${GATE_TARGETS.join(', ')}, got ${JSON.stringify(values.to)}`)
    if (values.override !== undefined && values.override.trim().length < 10) throw new UsageError('--override needs a written reason (10 characters at least)')
    const options = gateOptionsFrom(values, '')
    args = {
      flag: positionals[0]!,
      target: values.to as GateTarget,
      options,
      override: values.override?.trim(),
      operator: values.operator ?? operatorName(io.env),
      json: values.json,
    }
  } catch (err) {
    return fail(io, `${(err as Error).message.split('. ')[0]!} (npm run gate -- --help)`, 2)
  }
  let sql
  try {
    sql = reviewDatabase(io, 'npm run gate')
  } catch (err) {
    if (err instanceof UsageError) return fail(io, err.message, 2)
    throw err
  }
  try {
    const result = await checkGate(sql, args.flag, args.target, args.options)
    const overridden = !result.ok && args.override !== undefined
    const id = await recordGate(sql, result, { by: args.operator, source: 'cli', override: overridden ? args.override! : null })
    if (args.json) io.out(JSON.stringify({ ...result, decision: id, overridden, decidedBy: args.operator }, null, 2))
    else {
      io.out(formatGate(result))
      if (overridden) io.out(`OVERRIDDEN by ${args.operator}: ${args.override} (decision #${id})`)
      else if (result.ok && args.override !== undefined) io.out(`(the gate says yes; --override was not needed and is not recorded)`)
      else io.out(`decision #${id} recorded for ${args.operator}`)
    }
    return result.ok || overridden ? 0 : 1
  } catch (err) {
    return fail(io, describe(err), 3)
  } finally {
    await sql.end({ timeout: 1 })
  }
}

if (isMain(import.meta.url)) await runAsProcess(run)
