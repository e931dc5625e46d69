-- Rolls back contract step voter-filter-organization, part 2: campaign_id NOT NULL again once every row
-- has one; organization_id becomes nullable.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM public.voter_file_filter WHERE campaign_id IS NULL) THEN
    ALTER TABLE public.voter_file_filter ALTER COLUMN campaign_id SET NOT NULL;
  END IF;
END $$;

ALTER TABLE public.voter_file_filter ALTER COLUMN organization_id DROP NOT NULL;
