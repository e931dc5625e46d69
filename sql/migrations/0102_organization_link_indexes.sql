-- org-proxy: no-transaction
-- Phase 1: one organization per campaign and one per elected office, enforced by unique indexes built
-- CONCURRENTLY (writes to the legacy tables go on during the build). They also serve the lookups from
-- an organization back to its campaign or office. Each build is preceded by a DROP … IF EXISTS so a
-- re-run after a failed build does not keep the INVALID index it left behind. The runner sets
-- lock_timeout for every statement of this file.
DROP INDEX CONCURRENTLY IF EXISTS campaign_organization_id_key;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS campaign_organization_id_key ON campaign (organization_id);
DROP INDEX CONCURRENTLY IF EXISTS elected_office_organization_id_key;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS elected_office_organization_id_key ON elected_office (organization_id);
