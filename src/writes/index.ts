// Phase 3 (flag org.writes): the organization-owned writes the proxy answers itself, each in one
// transaction, with the shadow hooks that compare them with legacy's writes in a transaction that is
// always rolled back, and the comparison rules of those documents.
export { officeCreateRoute, type CreatedOffice } from './office.js'
export { filterCreateRoute, filterUpdateRoute, filterDeleteRoute } from './segments.js'
export { officeCreateShadow, readOffice, type OfficeKeys } from './office-shadow.js'
export { segmentCreateShadow, segmentUpdateShadow, segmentDeleteShadow, readSegmentBack, type SegmentKeys } from './segment-shadow.js'
export { officeCreateRules, segmentCreateRules, segmentUpdateRules, segmentDeleteRules } from './rules.js'
export { inTransaction, recordWrote, writeDb } from './transaction.js'
