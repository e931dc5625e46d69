-- Phase 3 (flag org.writes): the proxy answers "I won" and segment writes itself and names no campaign
-- in them, because phase 3 drops elected_office.campaign_id and voter_file_filter.campaign_id. Every
-- change here is catalog-only (no scan, no rewrite) and guarded, so a re-run or a database where a
-- contract step already dropped a column is fine.
SET LOCAL lock_timeout = '5s';

-- The new office write leaves campaign_id NULL. Guarded: DROP NOT NULL takes ACCESS EXCLUSIVE even when
-- it changes nothing, and the column may already be gone.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_attribute
             WHERE attrelid = 'public.elected_office'::regclass AND attname = 'campaign_id' AND NOT attisdropped AND attnotnull) THEN
    ALTER TABLE public.elected_office ALTER COLUMN campaign_id DROP NOT NULL;
  END IF;
END $$;

-- Segments the proxy creates carry only organization_id. While campaign_id still exists (phase 2's
-- contract step drops it), gp-api lists segments by it: if org.writes is rolled back, gp-api must still
-- list the segments the proxy created, so a BEFORE INSERT trigger fills a missing campaign_id from the
-- segment's win organization (its campaign). The contract step must drop this trigger before dropping
-- the column: the function reads NEW.campaign_id and would fail every insert once the column is gone.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_attribute
             WHERE attrelid = 'public.voter_file_filter'::regclass AND attname = 'campaign_id' AND NOT attisdropped) THEN
    IF (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public.voter_file_filter'::regclass AND attname = 'campaign_id') THEN
      ALTER TABLE public.voter_file_filter ALTER COLUMN campaign_id DROP NOT NULL;
    END IF;

    -- Only a win organization has a campaign of its own; the owner check keeps a segment from ever
    -- being listed under someone else's campaign should an organization's owner drift from its campaign's.
    CREATE OR REPLACE FUNCTION org_proxy.voter_file_filter_campaign_compat() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    BEGIN
      NEW.campaign_id := (
        SELECT c.id FROM public.organization o
        JOIN public.campaign c ON c.organization_id = o.id AND c.user_id = o.owner_id
        WHERE o.id = NEW.organization_id AND o.kind = 'win');
      RETURN NEW;
    END
    $fn$;

    -- The WHEN clause keeps gp-api's own inserts (campaign_id always set) from calling the function.
    IF NOT EXISTS (SELECT 1 FROM pg_trigger
                   WHERE tgrelid = 'public.voter_file_filter'::regclass AND tgname = 'voter_file_filter_campaign_compat') THEN
      CREATE TRIGGER voter_file_filter_campaign_compat
        BEFORE INSERT ON public.voter_file_filter
        FOR EACH ROW
        WHEN (NEW.campaign_id IS NULL AND NEW.organization_id IS NOT NULL)
        EXECUTE FUNCTION org_proxy.voter_file_filter_campaign_compat();
    END IF;
  END IF;
END $$;
