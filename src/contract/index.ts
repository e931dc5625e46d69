// Contract steps: the schema changes that end a phase, each refusing until it is safe. Phase 1:
// organization-not-null; phase 2: voter-filter-organization; phase 3 (cleanup): dual-writes-off,
// remove-br-l2 (+ -confirm), elected-office-campaign-id (+ -confirm). The stage gate of the diff review
// is plugged in through `requireGate`.
import { dualWritesOffStep } from './dual-writes-off.js'
import { electedOfficeCampaignIdConfirmStep, electedOfficeCampaignIdStep } from './elected-office-campaign-id.js'
import { organizationNotNull } from './organization-not-null.js'
import { removeBrL2ConfirmStep, removeBrL2Step } from './remove-br-l2.js'
import { flagStatusFrom } from './flags.js'
import { voterFilterOrganizationStep } from './voter-filter-organization.js'
import type { ContractStep } from './types.js'

export { runContractStep, CONTRACT_DIR, type ContractOptions, type ContractOutcome, type ContractResult } from './runner.js'
export type { ActionContext, ContractAction, ContractStep, Precondition, RequireGate } from './types.js'
export { organizationNotNull }
export { voterFilterOrganization, voterFilterOrganizationStep, configuredFlagStatus, type FlagStatusSource } from './voter-filter-organization.js'
export { flagCheck, flagChecks, flagStatusFrom, type FlagNeed, type FlagStatus } from './flags.js'
export { configuredFlagSwitch, type FlagSwitch } from './flag-switch.js'
export { dualWritesOffStep, LIVE_BEFORE_DUAL_WRITES_OFF } from './dual-writes-off.js'
export { keysLeft, removeBrL2ConfirmStep, removeBrL2Job, removeBrL2Step, restoreBrL2Job, REMOVE_BR_L2_JOB, RESTORE_BR_L2_JOB, type JobOptions } from './remove-br-l2.js'
export { archiveCampaignIdJob, electedOfficeCampaignIdConfirmStep, electedOfficeCampaignIdStep, restoreCampaignIdJob, splitJob, SPLIT_JOB } from './elected-office-campaign-id.js'
export { cleanupRow, archiveCounts, type CleanupRow } from './cleanup-state.js'

/**
 * Every contract step, in plan order, reading the flags a proxy with this environment runs on (the CLI
 * passes its own env: FLAGS_DIR, UNLEASH_*). A `-confirm` step also answers `<step> --confirm`.
 */
export function contractSteps(env: Record<string, string | undefined> = process.env): readonly ContractStep[] {
  const flagStatus = flagStatusFrom(env)
  return [
    organizationNotNull,
    voterFilterOrganizationStep({ flagStatus }),
    dualWritesOffStep({ flagStatus, env }),
    removeBrL2Step({ flagStatus }),
    removeBrL2ConfirmStep(),
    electedOfficeCampaignIdStep({ flagStatus }),
    electedOfficeCampaignIdConfirmStep(),
  ]
}

export const CONTRACT_STEPS: readonly ContractStep[] = contractSteps()
