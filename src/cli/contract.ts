// `npm run contract -- <step> [--dry-run] [--rollback|--confirm] [--override "reason"]`: runs a contract
// step (phases 1–3, --list), which refuses, saying why, until its precondition holds.
import { userInfo } from 'node:os'
import { parseArgs } from 'node:util'
import { CONTRACT_STEPS, contractSteps, runContractStep } from '../contract/index.js'
import { main, UsageError, withJobDatabase, type JobIo } from '../jobs/cli.js'
import { contractGate } from '../review/decisions.js'
import type { GateOptions } from '../review/index.js'
import { gateOptionSpecs, gateOptionsFrom } from './gate-options.js'
import { failWith, isMain } from './io.js'

const fail = failWith('contract')

const USAGE = `usage: npm run contract -- <step> [options] | --list
steps:
${CONTRACT_STEPS.map((s) => `  ${s.name.padEnd(32)} (phase ${s.phase}) ${s.summary}`).join('\n')}
options:
  --dry-run             print the statements it would run; change nothing
  --rollback            undo the step (a phase 3 step: until it is confirmed)
  --confirm             run the step's -confirm step (drops its archive: no rollback after it)
  --override "reason"   go ahead although the stage gate (npm run gate) says no; the reason is
                        recorded with the run in org_proxy.contract_run
  --operator NAME       who runs it, for org_proxy.contract_run (default: the OS user)
  --gate-window W, --gate-min-comparisons N, --gate-min-orgs K, --gate-max-mismatch-rate X,
  --gate-error-tolerance X, --gate-latency-tolerance X
                        the stage gate's thresholds for this run (defaults: npm run gate -- --help,
                        target contract); recorded with the decision, so a lowered bar is on file
  --list                every step and whether it is in force`

/** Exit codes: 0 applied (or already), 1 refused or failed, 2 bad arguments. */
export async function run(argv: string[], io: JobIo): Promise<number> {
  let values: { 'dry-run': boolean; rollback: boolean; confirm: boolean; override?: string; operator?: string; list: boolean; help: boolean }
  let positionals: string[]
  let gate: Partial<GateOptions>
  try {
    ;({ values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        'dry-run': { type: 'boolean', default: false },
        rollback: { type: 'boolean', default: false },
        confirm: { type: 'boolean', default: false },
        override: { type: 'string' },
        operator: { type: 'string' },
        list: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        ...gateOptionSpecs('gate-'),
      },
    }))
    gate = gateOptionsFrom(values, 'gate-')
    if (values.help) return io.out(USAGE), 0
    if (!values.list && positionals.length !== 1) throw new UsageError(positionals.length ? 'one step at a time' : 'missing the step to run (--list shows them)')
    if (values.rollback && values.confirm) throw new UsageError('--rollback and --confirm exclude each other')
    if (values.override !== undefined && values.override.trim().length < 10) throw new UsageError('--override needs a written reason (10 characters at least)')
  } catch (err) {
    const message = err instanceof UsageError ? err.message : (err as Error).message.split('. ')[0]!
    return fail(io, `${message} (npm run contract -- --help)`, 2)
  }
  const wanted = values.confirm && positionals[0] && !positionals[0].endsWith('-confirm') ? `${positionals[0]}-confirm` : positionals[0]
  const steps = contractSteps(io.env)
  const step = values.list ? undefined : steps.find((s) => s.name === wanted)
  if (!values.list && !step && values.confirm && steps.some((s) => s.name === positionals[0]))
    return fail(io, `${positionals[0]} has no confirm step (only phase 3 cleanup steps keep an archive to confirm)`, 2)
  if (!values.list && !step) return fail(io, `unknown step ${JSON.stringify(positionals[0])} (known: ${steps.map((s) => s.name).join(', ')})`, 2)
  return withJobDatabase(io, 'npm run contract', fail, async (sql) => {
    if (values.list) {
      for (const s of steps) io.out(`${s.name.padEnd(32)} ${(await s.applied(sql)) ? 'in force' : 'not applied'}  (phase ${s.phase}) ${s.summary}`)
      return 0
    }
    const operator = values.operator ?? safeUser()
    const result = await runContractStep(sql, step!, {
      action: values.rollback ? 'rollback' : 'apply',
      // The stage gate of the diff review (npm run gate): its "no" stops the step unless --override.
      requireGate: contractGate(sql, { by: operator ?? 'contract-cli', options: gate }),
      dryRun: values['dry-run'],
      ...(values.override !== undefined ? { override: values.override.trim() } : {}),
      ...(operator ? { operator } : {}),
      log: io.out,
      ...(io.signal ? { signal: io.signal } : {}),
    })
    if (result.outcome === 'refused') return fail(io, `${step!.name} refused`, 1)
    if (result.outcome === 'failed') return fail(io, `${step!.name} failed`, 1)
    return 0
  })
}

function safeUser(): string | undefined {
  try {
    return userInfo().username
  } catch {
    return undefined
  }
}

if (isMain(import.meta.url)) await main(run)
