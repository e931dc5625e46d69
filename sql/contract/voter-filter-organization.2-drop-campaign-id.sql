-- Contract step voter-filter-organization, part 2: segments no longer name a campaign. Dropping a column is
-- a catalog change (brief ACCESS EXCLUSIVE, no rewrite); its index and its foreign key go with it. From
-- here a segment belongs to its organization only, and goes with it (ON DELETE CASCADE, migration 0200).
-- First the compat trigger of migration 0300 (it fills campaign_id for writes that set only the
-- organization, and names the column): it goes with the column, and the rollback does not bring it back.
DROP TRIGGER IF EXISTS voter_file_filter_campaign_compat ON public.voter_file_filter;

DROP FUNCTION IF EXISTS org_proxy.voter_file_filter_campaign_compat();

ALTER TABLE public.voter_file_filter DROP COLUMN IF EXISTS campaign_id;
