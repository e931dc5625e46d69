// Contract steps: the schema changes that end a phase, each refusing until it is safe. Phase 1:
// organization-not-null. Later phases append their steps to CONTRACT_STEPS; issue 6 plugs its stage
// gate in through `requireGate`.
import { organizationNotNull } from './organization-not-null.js'
import { voterFilterOrganization } from './voter-filter-organization.js'
import type { ContractStep } from './types.js'

export { runContractStep, CONTRACT_DIR, type ContractOptions, type ContractOutcome, type ContractResult } from './runner.js'
export type { ContractAction, ContractStep, Precondition, RequireGate } from './types.js'
export { organizationNotNull }
export { voterFilterOrganization, voterFilterOrganizationStep, configuredFlagStatus, type FlagStatusSource } from './voter-filter-organization.js'

/** Every contract step, in plan order. */
export const CONTRACT_STEPS: readonly ContractStep[] = [organizationNotNull, voterFilterOrganization]
