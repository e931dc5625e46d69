-- Rolls back contract step elected-office-campaign-id, part 1: the column comes back, nullable and
-- empty (a catalog change, no rewrite); the step then fills it from org_proxy.legacy_archive in batches.
-- It stays nullable: offices the proxy created since (org.writes) have no campaign.
ALTER TABLE public.elected_office ADD COLUMN IF NOT EXISTS campaign_id integer;
