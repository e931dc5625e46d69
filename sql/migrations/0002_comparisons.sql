-- Outcomes of shadow and live-verification comparisons: what the diff review reads. Values of
-- sensitive fields are hashed before they get here; the request is kept only as far as replay needs
-- (method, path, query, user and organization ids).
CREATE TABLE IF NOT EXISTS org_proxy.comparison (
  id BIGSERIAL PRIMARY KEY,
  at TIMESTAMPTZ NOT NULL DEFAULT now(),
  route TEXT NOT NULL,
  flag TEXT NOT NULL,
  stage TEXT NOT NULL CHECK (stage IN ('off', 'shadow', 'live')),
  -- shadow: legacy answered, new compared; verify: live answered, legacy compared in the background;
  -- noise: legacy compared with itself; replay: a stored request run again.
  origin TEXT NOT NULL CHECK (origin IN ('shadow', 'verify', 'noise', 'replay')),
  outcome TEXT NOT NULL CHECK (outcome IN ('match', 'mismatch', 'expected', 'new-error', 'legacy-error', 'timeout', 'skipped')),
  skip_cause TEXT,
  legacy_status INTEGER,
  new_status INTEGER,
  legacy_ms REAL,
  new_ms REAL,
  organization_id UUID,
  user_id INTEGER,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  query TEXT NOT NULL DEFAULT '',
  request_id TEXT,
  signature TEXT,
  signature_keys TEXT[],
  differences JSONB,
  error TEXT
);
CREATE INDEX IF NOT EXISTS comparison_route_at_idx ON org_proxy.comparison (route, at);
CREATE INDEX IF NOT EXISTS comparison_signature_idx ON org_proxy.comparison (route, signature) WHERE signature IS NOT NULL;
CREATE INDEX IF NOT EXISTS comparison_at_idx ON org_proxy.comparison (at);
