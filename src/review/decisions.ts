// The record of every gate answer, and the gate as the contract steps of phases 1–3 ask it: a step
// names the flags whose rollout it depends on; it may run only when each of their gates says yes, or
// with an override whose written reason is kept next to the evidence it overrode.
import { userInfo } from 'node:os'
import type { Sql } from 'postgres'
import { parseAdminTokens } from '../app/admin-auth.js'
import { formatGate } from './format.js'
import { checkGate, type GateOptions, type GateResult, type GateTarget } from './gate.js'

export type GateSource = 'cli' | 'contract' | 'admin'

/**
 * Records an answer; an override needs a written reason (the table refuses one without).
 * @example await recordGate(sql, result, { by: operatorName(process.env), source: 'cli', override: 'incident 42: hotfix verified by hand' })
 */
export async function recordGate(sql: Sql, r: GateResult, meta: { by: string; source: GateSource; override?: string | null; step?: string | null }): Promise<number> {
  const override = meta.override?.trim() || null
  if (meta.override !== undefined && meta.override !== null && !override) throw new Error('an override needs a written reason')
  const [row] = await sql<{ id: string }[]>`
    insert into org_proxy.gate_decision ${sql({
      flag: r.flag,
      target: r.target,
      step: meta.step ?? null,
      passed: r.ok,
      overridden: !r.ok && override !== null,
      override_reason: override,
      decided_by: meta.by,
      source: meta.source,
      options: sql.json(r.options as never),
      evidence: sql.json({ checks: r.checks, ...r.evidence } as never),
    })}
    returning id`
  return Number(row!.id)
}

/** Who an operator is: the label of a single-entry ADMIN_TOKEN, else the OS user. */
export function operatorName(env: Record<string, string | undefined>): string {
  const tokens = env.ADMIN_TOKEN ? parseAdminTokens(env.ADMIN_TOKEN) : []
  if (tokens.length === 1 && env.ADMIN_TOKEN!.includes(':')) return tokens[0]!.label
  try {
    return `os:${userInfo().username}`
  } catch {
    return 'os:unknown'
  }
}

/**
 * A contract step as the hook receives it (src/contract's ContractStep fits): its name, and the flag
 * whose rollout it depends on (`gateFlag`) or several (`flags`).
 */
export type ContractStep = string | { name?: string; id?: string; gateFlag?: string | undefined; flags?: readonly string[] }

/**
 * Flags whose own routes are never compared are judged by the comparisons that read what they
 * write: dual writes keep organizations in step, and the organization-backed reads (org.reads)
 * compare exactly those organizations with legacy.
 */
export const EVIDENCE_FLAGS: Record<string, string[]> = { 'org.dual-write': ['org.reads'] }

/**
 * Which flags a contract step depends on, by its name. Steps not listed here must name their flags
 * (`{ name, flags }`), otherwise the gate refuses them: a step nobody mapped is not proven safe.
 */
export const CONTRACT_STEP_FLAGS: { match: RegExp; flags: string[] }[] = [
  // Phase 2: organization_id NOT NULL on voter_file_filter, campaign_id dropped.
  { match: /voter.?filter/i, flags: ['org.voter-filters'] },
  // Phase 3: dual writes off once every read that needs them is live at 100 %.
  { match: /dual.?write/i, flags: ['org.reads', 'org.switcher', 'org.voter-filters'] },
  // Phase 3: BR/L2 keys removed from campaign.details and P2V data; elected_office.campaign_id dropped.
  { match: /\b(br|l2)\b|details|p2v|path.?to.?victory|campaign.?id|elected.?office/i, flags: ['org.reads'] },
  // Phase 1: organization_id NOT NULL on campaign/elected_office, once the organization-backed reads
  // (which read exactly those links) agree with legacy.
  { match: /organization.?id|not.?null/i, flags: ['org.reads'] },
]

const stepName = (s: ContractStep) => (typeof s === 'string' ? s : (s.name ?? s.id ?? 'unnamed step'))

/**
 * The function the contract runner's `requireGate` hook takes: resolves `{ ok, evidence }` with the
 * evidence as printable text, and records the decision (source 'contract').
 * @example const requireGate = contractGate(sql, { by: operatorName(process.env) }); const { ok, evidence } = await requireGate('voter-filter-not-null')
 */
export function contractGate(
  sql: Sql,
  opts: { by?: string; options?: Partial<GateOptions>; stepFlags?: (step: ContractStep) => readonly string[] | undefined } = {},
): (step: ContractStep) => Promise<{ ok: boolean; evidence: string; results: GateResult[] }> {
  return async function requireGate(step) {
    const name = stepName(step)
    const declared = typeof step === 'object' ? (step.flags ?? (step.gateFlag ? [step.gateFlag] : undefined)) : undefined
    const flags = (declared ?? opts.stepFlags?.(step) ?? CONTRACT_STEP_FLAGS.find((m) => m.match.test(name))?.flags)?.flatMap((f) => EVIDENCE_FLAGS[f] ?? [f])
    if (!flags?.length) {
      return { ok: false, evidence: `no stage gate is defined for contract step "${name}": pass its flags ({ name, flags }) or override with a written reason`, results: [] }
    }
    const results: GateResult[] = []
    for (const flag of flags) {
      const r = await checkGate(sql, flag, 'contract' as GateTarget, opts.options)
      await recordGate(sql, r, { by: opts.by ?? 'contract-runner', source: 'contract', step: name })
      results.push(r)
    }
    return { ok: results.every((r) => r.ok), evidence: results.map((r) => formatGate(r)).join('\n'), results }
  }
}
