-- Rolls back contract step elected-office-campaign-id, part 2: the foreign key (NOT VALID, then
-- VALIDATE under SHARE UPDATE EXCLUSIVE: reads and writes go on), ON DELETE CASCADE as gp-api made it,
-- and the index its baseline has.
-- An emergency path like the other rollbacks: the index is built in one statement, not CONCURRENTLY
-- (the runner runs each statement in a transaction).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.elected_office'::regclass AND conname = 'elected_office_campaign_id_fkey') THEN
    ALTER TABLE public.elected_office ADD CONSTRAINT elected_office_campaign_id_fkey
      FOREIGN KEY (campaign_id) REFERENCES public.campaign(id) ON DELETE CASCADE NOT VALID;
  END IF;
END $$;

ALTER TABLE public.elected_office VALIDATE CONSTRAINT elected_office_campaign_id_fkey;

CREATE INDEX IF NOT EXISTS elected_office_campaign_id_idx ON public.elected_office (campaign_id);
