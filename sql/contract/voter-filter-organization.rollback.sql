-- Rolls back contract step voter-filter-organization: campaign_id comes back, filled from each segment's
-- organization (a win organization's campaign, a serve organization's office's campaign), with its
-- foreign key and index, and NOT NULL again once every row has one; organization_id becomes nullable.
-- An emergency path: the UPDATE and the index build are single statements over the whole table.
ALTER TABLE public.voter_file_filter ADD COLUMN IF NOT EXISTS campaign_id integer;

UPDATE public.voter_file_filter f SET campaign_id = coalesce(
    (SELECT c.id FROM public.campaign c WHERE c.organization_id = f.organization_id),
    -- Through the office's row: phase 3 may have dropped elected_office.campaign_id (then NULL).
    (SELECT (to_jsonb(e)->>'campaign_id')::int FROM public.elected_office e WHERE e.organization_id = f.organization_id))
  WHERE f.campaign_id IS NULL;

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.voter_file_filter'::regclass AND conname = 'voter_file_filter_campaign_id_fkey') THEN
    ALTER TABLE public.voter_file_filter ADD CONSTRAINT voter_file_filter_campaign_id_fkey
      FOREIGN KEY (campaign_id) REFERENCES public.campaign(id) ON DELETE CASCADE NOT VALID;
  END IF;
END $$;

ALTER TABLE public.voter_file_filter VALIDATE CONSTRAINT voter_file_filter_campaign_id_fkey;

CREATE INDEX IF NOT EXISTS voter_file_filter_campaign_id_idx ON public.voter_file_filter (campaign_id);

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM public.voter_file_filter WHERE campaign_id IS NULL) THEN
    ALTER TABLE public.voter_file_filter ALTER COLUMN campaign_id SET NOT NULL;
  END IF;
END $$;

ALTER TABLE public.voter_file_filter ALTER COLUMN organization_id DROP NOT NULL;
