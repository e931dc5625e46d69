// Organization: the new domain model of phase 1. Its surface: the one mapping from legacy rows and its
// inverse, the sync that writes organizations through it, the dual writes of the phase 1 routes, and
// the directory request routing asks.
export {
  FIELD_COLUMNS,
  FIELD_SPECS,
  OUTCOMES,
  emptyFields,
  legacyPath,
  type FieldColumn,
  type FieldRule,
  type FieldSpec,
  type OrganizationFields,
  type OrganizationKind,
  type Outcome,
} from './fields.js'
export { mapLegacyRows, outcomeOf, type LegacyCampaign, type LegacyElectedOffice, type LegacyPathToVictory, type LegacyRows, type MappedOrganization } from './mapping.js'
export { canonicalLegacy, toLegacyDetails, toLegacyP2vData, withoutKeys, type LegacyDetailsPart, type LegacyP2vPart } from './legacy-shape.js'
export { MAPPED_COLUMNS, mappingLateral, syncedAtSql, type MappingInputs } from './mapping-sql.js'
export { FIELD_LIST_SQL, FIELD_TYPES_SQL, fieldSelectSql } from './columns.js'
export { legacyRows, syncOrganizations, type OrganizationChange, type SyncOptions, type SyncResult, type SyncTargets } from './repository.js'
export { PHASE1_ROUTES, phase1DualWrite, phase1LivePayload, phase1Payload, redoPhase1, type Phase1RouteId } from './dual-writes.js'
export type { Phase1Payload } from './targets.js'
export { createOrganizationDirectory } from './directory.js'
export { assertLegacySourceLive, isLegacySourceRetired, LEGACY_CLEANUP_LOCK, LegacySourceRetiredError, retiredBy, retireLegacySource, type CleanupStep } from './retired.js'
