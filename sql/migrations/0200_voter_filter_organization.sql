-- Phase 2: contact segments move onto Organization. voter_file_filter gets a nullable organization_id
-- (metadata-only: no default, no rewrite) and its foreign key NOT VALID (enforced for new and updated
-- rows at once; existing rows are checked by 0201 without blocking writes). ON DELETE CASCADE: a
-- segment goes with its organization, as it goes with its campaign today (once campaign_id is dropped
-- by the contract step, deleting a user must still take their segments along).
SET LOCAL lock_timeout = '5s';

ALTER TABLE voter_file_filter ADD COLUMN IF NOT EXISTS organization_id uuid;

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.voter_file_filter'::regclass AND conname = 'voter_file_filter_organization_id_fkey') THEN
    ALTER TABLE voter_file_filter ADD CONSTRAINT voter_file_filter_organization_id_fkey
      FOREIGN KEY (organization_id) REFERENCES organization(id) ON DELETE CASCADE NOT VALID;
  END IF;
END $$;
