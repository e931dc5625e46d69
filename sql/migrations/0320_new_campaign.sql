-- org-proxy: no-transaction
-- Phase 3 "New Campaign": a user who serves (or served) starts a new campaign, so a user may now have
-- several campaigns (one per win organization), and POST /v1/organizations needs an idempotency ledger.
-- No transaction: the index is built CONCURRENTLY (gp-api keeps writing campaigns during the build).
-- The runner sets lock_timeout for every statement, and re-runs the whole file if one fails, so every
-- statement is repeatable; they are ordered so that campaign(user_id) is covered by an index at every
-- point a failed run can stop at (the plain index exists before the unique one goes).

-- The ledger first: a new empty table in the proxy's schema takes no lock on a legacy table.
-- One row per (user, Idempotency-Key) of a POST /v1/organizations that created something: the hash of
-- the request, the answer sent (status and body, the body as `json` so a replay is the same bytes) and
-- the organization it created. A row is inserted as the first write of the creating transaction (a
-- claim: a concurrent request with the same key waits on it) and completed before the commit, so a
-- committed row always holds its answer; a failed creation leaves no row.
-- Kept 24 hours: an older row is ignored by the handler (the key can be used again) and is deleted by
-- the creating transactions themselves (at most 100 expired rows each, SKIP LOCKED, by created_at), so
-- the table holds about one day of new campaigns without a cron job. Manual sweep, if ever needed:
--   DELETE FROM org_proxy.new_campaign_idempotency WHERE created_at < now() - interval '24 hours';
CREATE TABLE IF NOT EXISTS org_proxy.new_campaign_idempotency (
  user_id integer NOT NULL,
  key text NOT NULL CHECK (key ~ '^[ -~]{1,255}$'),
  PRIMARY KEY (user_id, key),
  -- sha256 (hex) of the request body as canonical JSON: the same key with another body is refused.
  request_hash text NOT NULL,
  status smallint CHECK (status BETWEEN 200 AND 599),
  body json,
  -- The organization goes with its owner (a gp-api user delete cascades to it), and its row with it:
  -- an answer about a deleted organization must not be replayed.
  organization_id uuid REFERENCES organization(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((status IS NULL) = (body IS NULL))
);
CREATE INDEX IF NOT EXISTS new_campaign_idempotency_created_at_idx ON org_proxy.new_campaign_idempotency (created_at);

-- campaign(user_id) keeps an index once the unique one goes: gp-api's "my campaign" lookups, the
-- cascade of a user delete, and the proxy's joins all search by it. A failed concurrent build leaves
-- an INVALID index that IF NOT EXISTS would keep, hence the DROP first.
DROP INDEX CONCURRENTLY IF EXISTS campaign_user_id_idx;
CREATE INDEX CONCURRENTLY IF NOT EXISTS campaign_user_id_idx ON campaign (user_id);

-- gp-api allowed one campaign per user. Prisma made that a unique index named campaign_user_id_key; a
-- `UNIQUE` column (the demo's baseline) makes it a constraint of the same name. Whichever it is goes:
-- the constraint with a catalog-only ALTER (a brief exclusive lock, bounded by lock_timeout), the
-- plain index concurrently. Each is a no-op when the other form was there.
ALTER TABLE campaign DROP CONSTRAINT IF EXISTS campaign_user_id_key;
DROP INDEX CONCURRENTLY IF EXISTS campaign_user_id_key;
