-- Contract step voter-filter-organization, part 2: segments no longer name a campaign. Dropping a column is
-- a catalog change (brief ACCESS EXCLUSIVE, no rewrite); its index and its foreign key go with it. From
-- here a segment belongs to its organization only, and goes with it (ON DELETE CASCADE, migration 0200).
ALTER TABLE public.voter_file_filter DROP COLUMN IF EXISTS campaign_id;
