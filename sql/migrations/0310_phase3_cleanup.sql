-- Phase 3 cleanup bookkeeping: the archive that keeps every legacy value a cleanup step removes until
-- its confirm step drops it (so each step stays reversible until confirmed), and one row per cleanup
-- step that has started, which is also the one signal phase 1's machinery reads to stop syncing
-- organizations from legacy rows that no longer hold their fields.
SET LOCAL lock_timeout = '5s';

-- One row per removed value: (campaign, <id>, details) holds the BR keys taken out of campaign.details,
-- (path_to_victory, <id>, data) the L2 keys of path_to_victory.data, (elected_office, <uuid>,
-- campaign_id) the dropped column's value; the segment split records its copies
-- (voter_file_filter, <copy id>, split-copy) and the organizations it split (organization, <uuid>,
-- segments-split), so its rollback can delete exactly what it made.
CREATE TABLE IF NOT EXISTS org_proxy.legacy_archive (
  table_name text NOT NULL,
  row_id text NOT NULL,
  column_name text NOT NULL,
  removed jsonb NOT NULL,
  archived_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (table_name, row_id, column_name)
);

-- A cleanup step that has started and not been rolled back. `evidence` accumulates, batch by batch in
-- the batch's own transaction, what the step moved into the archive: its confirm step compares it with
-- the archive before dropping anything.
CREATE TABLE IF NOT EXISTS org_proxy.legacy_cleanup (
  step text PRIMARY KEY CHECK (step IN ('remove-br-l2', 'elected-office-campaign-id')),
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  confirmed_at timestamptz,
  evidence jsonb NOT NULL DEFAULT '{}'
);
