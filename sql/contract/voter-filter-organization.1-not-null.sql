-- Contract step voter-filter-organization, part 1: voter_file_filter.organization_id becomes NOT NULL the
-- safe way: a CHECK … NOT VALID (brief lock, no scan), VALIDATE (a scan under SHARE UPDATE EXCLUSIVE:
-- reads and writes go on), SET NOT NULL (brief ACCESS EXCLUSIVE, no scan: PostgreSQL 12+ trusts the
-- valid check), then the check is dropped. Each statement runs in its own transaction with
-- lock_timeout and is repeatable after a failure.
DO $$
BEGIN
  IF NOT (SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public.voter_file_filter'::regclass AND attname = 'organization_id')
     AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.voter_file_filter'::regclass AND conname = 'voter_file_filter_organization_id_not_null') THEN
    ALTER TABLE public.voter_file_filter ADD CONSTRAINT voter_file_filter_organization_id_not_null CHECK (organization_id IS NOT NULL) NOT VALID;
  END IF;
END $$;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.voter_file_filter'::regclass AND conname = 'voter_file_filter_organization_id_not_null') THEN
    ALTER TABLE public.voter_file_filter VALIDATE CONSTRAINT voter_file_filter_organization_id_not_null;
  END IF;
END $$;

ALTER TABLE public.voter_file_filter ALTER COLUMN organization_id SET NOT NULL;

ALTER TABLE public.voter_file_filter DROP CONSTRAINT IF EXISTS voter_file_filter_organization_id_not_null;
