-- Rolls back contract step voter-filter-organization, part 1: campaign_id comes back, filled from each
-- segment's organization (a win organization's campaign, a serve organization's office's campaign).
-- Then (the step's rollback list) its foreign key and index, and part 2.
-- An emergency path: the UPDATE is one statement over the whole table.
ALTER TABLE public.voter_file_filter ADD COLUMN IF NOT EXISTS campaign_id integer;

UPDATE public.voter_file_filter f SET campaign_id = coalesce(
    (SELECT c.id FROM public.campaign c WHERE c.organization_id = f.organization_id),
    -- Through the office's row: phase 3 may have dropped elected_office.campaign_id (then NULL).
    (SELECT (to_jsonb(e)->>'campaign_id')::int FROM public.elected_office e WHERE e.organization_id = f.organization_id))
  WHERE f.campaign_id IS NULL;
