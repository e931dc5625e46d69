-- Phase 1: the Organization table (the new domain model, beside the legacy tables in public) and the
-- nullable links from campaign and elected_office to it. Every statement here is quick on a busy
-- database: a new empty table, metadata-only nullable columns, and foreign keys added NOT VALID (no
-- scan while holding the lock; 0101 validates them without blocking writes).
SET LOCAL lock_timeout = '5s';

-- The proxy migrates the legacy API's database: without gp-api's tables this is the wrong database
-- (or, in the demo and tests, the legacy baseline has not been applied yet). Fail loudly, never skip.
DO $$
BEGIN
  IF to_regclass('public."user"') IS NULL OR to_regclass('public.campaign') IS NULL OR to_regclass('public.elected_office') IS NULL THEN
    RAISE EXCEPTION 'gp-api tables ("user", campaign, elected_office) not found: point DATABASE_URL at the legacy database (demo and tests: applyLegacyBaseline before migrateProxy)';
  END IF;
END $$;

CREATE TABLE IF NOT EXISTS organization (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Deleting a user in gp-api cascades to their campaign; their organizations must follow, or the
  -- legacy delete would fail on this foreign key.
  owner_id integer NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('win', 'serve')),
  -- BallotReady fields (campaign.details). Ids are text: BR ids are opaque, and legacy rows hold them
  -- as numbers and as strings. Dates are dates; anything unparseable is stored as NULL and reported.
  position_id text,
  election_id text,
  race_id text,
  state text CHECK (state ~ '^[A-Z]{2}$'),
  office text,
  other_office text,
  ballot_level text CHECK (ballot_level IN ('CITY', 'COUNTY', 'FEDERAL', 'LOCAL', 'REGIONAL', 'STATE', 'TOWNSHIP')),
  office_term_length text,
  election_date date,
  primary_election_date date,
  partisan_type text,
  filing_periods_start date,
  filing_periods_end date,
  -- L2 district fields (path_to_victory.data).
  l2_district_type text,
  l2_district_name text,
  district_id text,
  district_manually_set boolean,
  district_source text,
  -- The newest legacy updated_at (read as UTC) of the rows this organization was computed from:
  -- reconcile compares it with the legacy rows to find organizations older than their source.
  legacy_synced_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS organization_owner_id_idx ON organization (owner_id);

-- Nullable and without a default: a catalog-only change, no table rewrite.
ALTER TABLE campaign ADD COLUMN IF NOT EXISTS organization_id uuid;
ALTER TABLE elected_office ADD COLUMN IF NOT EXISTS organization_id uuid;

-- NOT VALID: enforced for new and updated rows at once, existing rows checked by 0101 under a lock
-- that lets reads and writes through.
ALTER TABLE campaign ADD CONSTRAINT campaign_organization_id_fkey
  FOREIGN KEY (organization_id) REFERENCES organization(id) NOT VALID;
ALTER TABLE elected_office ADD CONSTRAINT elected_office_organization_id_fkey
  FOREIGN KEY (organization_id) REFERENCES organization(id) NOT VALID;
