-- Contract step organization-not-null, part 2: campaign.organization_id and elected_office.organization_id
-- become NOT NULL the safe way. A CHECK … NOT VALID is added (brief lock, no scan), then VALIDATEd (a
-- scan under SHARE UPDATE EXCLUSIVE: reads and writes go on), then SET NOT NULL (brief ACCESS EXCLUSIVE,
-- no scan: PostgreSQL 12+ trusts the valid check), then the check is dropped. Each statement runs in its
-- own transaction with lock_timeout; each is written to be repeatable after a failure.
DO $$
BEGIN
  IF NOT (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public.campaign'::regclass AND attname = 'organization_id')
     AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.campaign'::regclass AND conname = 'campaign_organization_id_not_null') THEN
    ALTER TABLE public.campaign ADD CONSTRAINT campaign_organization_id_not_null CHECK (organization_id IS NOT NULL) NOT VALID;
  END IF;
END $$;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.campaign'::regclass AND conname = 'campaign_organization_id_not_null') THEN
    ALTER TABLE public.campaign VALIDATE CONSTRAINT campaign_organization_id_not_null;
  END IF;
END $$;

ALTER TABLE public.campaign ALTER COLUMN organization_id SET NOT NULL;

ALTER TABLE public.campaign DROP CONSTRAINT IF EXISTS campaign_organization_id_not_null;

DO $$
BEGIN
  IF NOT (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public.elected_office'::regclass AND attname = 'organization_id')
     AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.elected_office'::regclass AND conname = 'elected_office_organization_id_not_null') THEN
    ALTER TABLE public.elected_office ADD CONSTRAINT elected_office_organization_id_not_null CHECK (organization_id IS NOT NULL) NOT VALID;
  END IF;
END $$;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.elected_office'::regclass AND conname = 'elected_office_organization_id_not_null') THEN
    ALTER TABLE public.elected_office VALIDATE CONSTRAINT elected_office_organization_id_not_null;
  END IF;
END $$;

ALTER TABLE public.elected_office ALTER COLUMN organization_id SET NOT NULL;

ALTER TABLE public.elected_office DROP CONSTRAINT IF EXISTS elected_office_organization_id_not_null;
