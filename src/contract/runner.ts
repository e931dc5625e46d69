// Runs a contract step: refuses while its precondition fails (printing why), asks the stage gate when
// one is plugged in (an override needs a written reason), applies its SQL one statement per transaction
// with lock_timeout and retries on lock timeouts, and records every attempt in org_proxy.contract_run.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Sql } from '../db/index.js'
import { REPO_ROOT } from '../db/migrate.js'
import { splitStatements } from '../db/split.js'
import { describeError, sleep } from '../jobs/index.js'
import { foreignKeyStatements, notNullStatements } from './safe-ddl.js'
import type { ContractAction, ContractStep, RequireGate } from './types.js'

export const CONTRACT_DIR = join(REPO_ROOT, 'sql', 'contract')

export type ContractOptions = {
  action?: 'apply' | 'rollback'
  /** Print what would run; change nothing. */
  dryRun?: boolean
  requireGate?: RequireGate
  /** Why the gate's "no" is overridden; recorded with the run. */
  override?: string
  operator?: string
  /** lock_timeout of each statement (default '5s'). */
  lockTimeout?: string
  /** Lock timeouts in a row before giving up on a statement (default 5). */
  lockRetries?: number
  log?: (line: string) => void
  /** SIGTERM: a step's job stops after its batch in flight and the step reports it can be resumed. */
  signal?: AbortSignal
}

export type ContractOutcome = 'applied' | 'already-applied' | 'refused' | 'failed' | 'dry-run'
export type ContractResult = { step: string; action: 'apply' | 'rollback'; outcome: ContractOutcome; report: string[] }

/** @example const r = await runContractStep(sql, organizationNotNull, { log: console.log }) */
export async function runContractStep(sql: Sql, step: ContractStep, opts: ContractOptions = {}): Promise<ContractResult> {
  const action = opts.action ?? 'apply'
  const log = opts.log ?? (() => {})
  const report: string[] = []
  const gate: { ok?: boolean; evidence?: string } = {}
  const finish = async (outcome: ContractOutcome): Promise<ContractResult> => {
    await sql`
      INSERT INTO org_proxy.contract_run (step, action, outcome, gate_ok, gate_evidence, override_reason, operator, report, finished_at)
      VALUES (${step.name}, ${action}, ${outcome}, ${gate.ok ?? null}, ${gate.evidence ?? null}, ${opts.override ?? null},
        ${opts.operator ?? null}, ${sql.json({ lines: report })}, now())`
    return { step: step.name, action, outcome, report }
  }
  const say = (line: string) => (report.push(line), log(line))

  if (action === 'rollback') {
    if (!step.rollback) {
      say(`${step.name} has no rollback`)
      return finish('refused')
    }
    if (step.rollbackPrecondition) {
      const pre = await step.rollbackPrecondition(sql)
      for (const line of pre.report) say(line)
      if (!pre.ok) {
        say(`${step.name}: rollback refused, the precondition does not hold`)
        return finish('refused')
      }
    }
    if (opts.dryRun) {
      await describeActions(step.rollback, say)
      return finish('dry-run')
    }
    try {
      await runActions(sql, step.rollback, opts, say)
      return finish('applied')
    } catch (err) {
      say(`failed: ${describeError(err)}`)
      return finish('failed')
    }
  }

  if (await step.applied(sql)) {
    say(`${step.name}: already applied, nothing to do`)
    return finish('already-applied')
  }
  const pre = await step.precondition(sql)
  for (const line of pre.report) say(line)
  if (!pre.ok) {
    say(`${step.name}: refused, the precondition does not hold`)
    return finish('refused')
  }

  if (opts.requireGate) {
    const verdict = await opts.requireGate(step)
    gate.ok = verdict.ok
    gate.evidence = verdict.evidence
    say(`gate${step.gateFlag ? ` (${step.gateFlag})` : ''}: ${verdict.ok ? 'yes' : 'no'}: ${verdict.evidence}`)
    if (!verdict.ok && !opts.override) {
      say(`${step.name}: refused by the gate (--override "reason" to go ahead anyway)`)
      return finish('refused')
    }
    if (!verdict.ok) say(`gate overridden: ${opts.override}`)
  } else {
    say('gate: none plugged in (npm run gate arrives with the diff review); precondition only')
  }
  if (opts.dryRun) {
    await describeActions(step.apply, say)
    return finish('dry-run')
  }

  try {
    await runActions(sql, step.apply, opts, say)
    if (!(await step.applied(sql))) throw new Error('the step ran but its result is not in force')
    say(`${step.name}: applied`)
    return finish('applied')
  } catch (err) {
    say(`failed: ${describeError(err)} (the step is repeatable: fix the cause and run it again)`)
    return finish('failed')
  }
}

async function runActions(sql: Sql, actions: readonly ContractAction[], opts: ContractOptions, say: (l: string) => void): Promise<void> {
  for (const a of actions) {
    if ('run' in a) {
      say(`${a.name}…`)
      await a.run(sql, say, { signal: opts.signal })
      continue
    }
    const { label, statements } = await statementsOf(a)
    for (const [i, statement] of statements.entries()) {
      const started = performance.now()
      await withLockRetries(sql, statement, opts, say)
      say(`${label} ${i + 1}/${statements.length}: ${firstLine(statement)} (${Math.round(performance.now() - started)} ms)`)
    }
  }
}

/** One statement in its own transaction; a lock timeout waits and tries again, up to lockRetries. */
async function withLockRetries(sql: Sql, statement: string, opts: ContractOptions, say: (l: string) => void): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await sql.begin(async (tx) => {
        await tx`SELECT set_config('lock_timeout', ${opts.lockTimeout ?? '5s'}, true)`
        await tx.unsafe(statement)
      })
      return
    } catch (err) {
      if ((err as { code?: string }).code !== '55P03' || attempt >= (opts.lockRetries ?? 5)) throw err
      say(`lock not granted within ${opts.lockTimeout ?? '5s'} (busy table); retry ${attempt} shortly`)
      await sleep(1000 * attempt)
    }
  }
}

async function describeActions(actions: readonly ContractAction[], say: (l: string) => void): Promise<void> {
  for (const a of actions) {
    if ('run' in a) {
      say(`would run: ${a.name}`)
      continue
    }
    const { label, statements } = await statementsOf(a)
    for (const s of statements) say(`would run (${label}): ${firstLine(s)}`)
  }
}

/** The statements of a SQL action, and how the log names where they come from. */
async function statementsOf(a: Exclude<ContractAction, { run: unknown }>): Promise<{ label: string; statements: string[] }> {
  if ('notNull' in a) return { label: `${a.notNull.table}.${a.notNull.column} NOT NULL`, statements: notNullStatements(a.notNull) }
  if ('foreignKey' in a) return { label: `${a.foreignKey.table}.${a.foreignKey.column} → ${a.foreignKey.references}`, statements: foreignKeyStatements(a.foreignKey) }
  return { label: a.file, statements: splitStatements(await readFile(join(CONTRACT_DIR, a.file), 'utf8')) }
}

/** The statement's telling line: for a DO block, the DDL inside it. */
function firstLine(statement: string): string {
  const lines = statement.split('\n').filter((l) => l.trim() && !l.trim().startsWith('--'))
  const ddl = /^\s*DO\b/i.test(lines[0] ?? '') ? lines.find((l) => /^\s*(ALTER|CREATE|DROP)\b/i.test(l)) : undefined
  return (ddl ?? lines[0] ?? statement).trim().slice(0, 100)
}
