// Backfills: set-based keyset jobs for the job runner. Phase 1: organizations (and their verify);
// phase 2 adds voter filters here.
export { campaignBatchSql, campaignsPart, officeBatchSql, officesPart, organizationsBackfill, ORGANIZATIONS_BACKFILL } from './organizations.js'
export { formatDrift, organizationsVerify, type DriftExample, type DriftReport } from './verify.js'
export { formatBackfillSummary } from './summary.js'
