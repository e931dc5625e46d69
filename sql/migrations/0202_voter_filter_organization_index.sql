-- org-proxy: no-transaction
-- Phase 2: segments are listed by organization, and an organization's delete cascades to its segments:
-- both need this index, built CONCURRENTLY so gp-api's filter writes go on during the build. A failed
-- concurrent build leaves an INVALID index that IF NOT EXISTS would keep, hence the DROP first (this
-- file is recorded only once every statement succeeded, so a successful build is never dropped).
DROP INDEX CONCURRENTLY IF EXISTS voter_file_filter_organization_id_idx;
CREATE INDEX CONCURRENTLY IF NOT EXISTS voter_file_filter_organization_id_idx ON voter_file_filter (organization_id);
