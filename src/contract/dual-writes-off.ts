// Phase 3's first cleanup step: phase 1's dual writes (org.dual-write) switched off, once nothing needs
// them: every organization-backed read and write (org.reads, org.switcher, org.voter-filters, org.writes)
// is live for 100 % of organizations and no organization write waits in the outbox. The organization is
// then written only by the proxy's own handlers. Rolled back by switching the flag on again.
import { FLAG } from '../flags/index.js'
import { retiredBy } from '../organizations/index.js'
import { outboxBacklog } from './cleanup-state.js'
import { configuredFlagSwitch, type FlagSwitch } from './flag-switch.js'
import { configuredFlagStatus, flagCheck, flagChecks, type FlagStatusSource } from './flags.js'
import type { ContractStep } from './types.js'
import { sleep } from '../jobs/index.js'

/** Every flag whose handlers must answer on their own before dual writes may stop. */
export const LIVE_BEFORE_DUAL_WRITES_OFF = [FLAG.reads, FLAG.switcher, FLAG.voterFilters, FLAG.writes] as const

export type FlagDeps = { flagStatus?: FlagStatusSource; flagSwitch?: FlagSwitch; settleMs?: number; env?: Record<string, string | undefined> }

/** @example CONTRACT_STEPS = [..., dualWritesOffStep({ flagStatus, flagSwitch })] */
export function dualWritesOffStep({ flagStatus = configuredFlagStatus, flagSwitch, settleMs = 15_000, env = process.env }: FlagDeps = {}): ContractStep {
  // Built on first use: reading the configuration must not fail `--list` or the other steps.
  const sw = () => (flagSwitch ??= configuredFlagSwitch(env))
  async function waitFor(on: boolean, log: (line: string) => void) {
    // Unleash publishes a change on its own tick (about a second): read until the source agrees.
    const until = Date.now() + settleMs
    for (;;) {
      const check = flagCheck(await flagStatus(), FLAG.dualWrite, 'off')
      if (check.ok !== on) return log(`now: ${check.line}`)
      if (Date.now() > until) throw new Error(`the flag source still says ${check.line} after ${settleMs} ms`)
      await sleep(250)
    }
  }
  return {
    name: 'dual-writes-off',
    phase: 3,
    summary: 'org.dual-write switched off (phase 1 dual writes stop) once every organization read and write is live at 100 %',
    gateFlag: FLAG.writes,
    async precondition(sql) {
      const flags = flagChecks(await flagStatus(), LIVE_BEFORE_DUAL_WRITES_OFF.map((f) => [f, 'live'] as const))
      const backlog = await outboxBacklog(sql)
      const switchable = await sw().unavailable(FLAG.dualWrite)
      const lines = [...flags.lines, `outbox: ${backlog.pending} pending, ${backlog.dead} dead organization writes (needs none)`]
      if (!flags.ok) lines.push('roll each of these out to 100 % live first (runbook: docs/runbook-phase-2.md; org.writes the same way)')
      if (backlog.pending || backlog.dead) lines.push('run `npm run reconcile` (it drains the outbox); dead items need a look first (org_proxy.outbox.last_error)')
      lines.push(switchable ? `switch: ${switchable}` : `switch: ${sw().describe()}`)
      const ok = flags.ok && !backlog.pending && !backlog.dead && !switchable
      return { ok, report: lines, counts: { pending: backlog.pending, dead: backlog.dead } }
    },
    async applied() {
      return flagCheck(await flagStatus(), FLAG.dualWrite, 'off').ok
    },
    apply: [
      {
        name: `switch ${FLAG.dualWrite} off`,
        run: async (_sql, log) => {
          await sw().set(FLAG.dualWrite, false, log)
          await waitFor(false, log)
        },
      },
    ],
    async rollbackPrecondition(sql) {
      const steps = await retiredBy(sql)
      const switchable = await sw().unavailable(FLAG.dualWrite)
      const report = [steps.length ? `cleanup steps in force: ${steps.join(', ')} (dual writes would do nothing: roll them back first)` : 'no cleanup step in force']
      if (switchable) report.push(`switch: ${switchable}`)
      return { ok: !steps.length && !switchable, report }
    },
    rollback: [
      {
        name: `switch ${FLAG.dualWrite} back on`,
        run: async (_sql, log) => {
          await sw().set(FLAG.dualWrite, true, log)
          await waitFor(true, log)
        },
      },
    ],
  }
}
