// Contacts onto Organization (flag org.voter-filters): segments read by organization with the plan's
// access rules, the write path that links a new segment to its organization, its backfill and verify.
export { filterListRoute, filterRoute, filterId } from './handlers.js'
export { filterListRules, filterRules } from './rules.js'
export { proRequired, visibleTo } from './access.js'
export { assignCreatedFilter, assignPayload, redoAssign, PHASE2_OUTBOX_HANDLERS, VOTER_FILTER_CREATE, type AssignPayload } from './dual-write.js'
export { assignFilterOrganization, includeFilter, includeFilterList, type FilterAccess, type FilterListLoad, type FilterLoad } from './sql.js'
export { voterFiltersBackfill, voterFiltersBackfillCommand, voterFiltersPart, formatVoterFiltersSummary, VOTER_FILTERS_BACKFILL } from './backfill.js'
export { voterFiltersVerify, formatFilterDrift, type FilterDriftReport, type FilterDriftExample } from './verify.js'
