-- Phase 3: organizations the proxy's own handlers create (an office written without campaign_id, a New
-- Campaign whose details hold no BR keys) have no legacy rows to be computed from. Phase 1's sync (dual
-- writes, reconcile, the backfill's verify) must leave them alone, or it would "repair" them from empty
-- legacy values. A constant default is catalog-only since PostgreSQL 11: no rewrite, a brief lock.
SET LOCAL lock_timeout = '5s';

ALTER TABLE organization ADD COLUMN IF NOT EXISTS proxy_owned boolean NOT NULL DEFAULT false;
