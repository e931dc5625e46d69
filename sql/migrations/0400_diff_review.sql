-- The diff review's own records: triage marks on mismatch groups (an "expected" mark becomes a
-- comparison rule), replay runs and what each replayed request answered, and every stage-gate
-- decision with its evidence (an override only with a written reason). Who acted is the admin
-- token's label or the operator's OS user: these rows are the audit trail of a rollout.
SET LOCAL lock_timeout = '5s';

-- Marks are appended, never updated: the newest mark of a (route, signature) group is its state,
-- the older ones are its history (shown with who and when on the page).
CREATE TABLE IF NOT EXISTS org_proxy.triage_mark (
  id bigserial PRIMARY KEY,
  route text NOT NULL,
  signature text NOT NULL,
  -- The group's `pattern:kind` keys as stored with its comparisons: what an "expected" rule covers.
  signature_keys text[] NOT NULL,
  mark text NOT NULL CHECK (mark IN ('expected', 'bug', 'fixed')),
  reason text,
  marked_by text NOT NULL,
  marked_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT triage_mark_expected_has_reason CHECK (mark <> 'expected' OR btrim(coalesce(reason, '')) <> '')
);
CREATE INDEX IF NOT EXISTS triage_mark_group_idx ON org_proxy.triage_mark (route, signature, id);

-- A replay re-runs stored mismatched requests (method, path, query, organization and user ids: no
-- bodies, no personal data) against the current new handler and legacy. Queued by a "fixed" mark,
-- the page's button or `npm run replay`; run inside the proxy, which holds the engine.
CREATE TABLE IF NOT EXISTS org_proxy.replay_run (
  id bigserial PRIMARY KEY,
  route text,
  signature text,
  max_requests integer NOT NULL CHECK (max_requests > 0),
  mark_id bigint REFERENCES org_proxy.triage_mark (id),
  requested_by text NOT NULL,
  requested_at timestamptz NOT NULL DEFAULT now(),
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  started_at timestamptz,
  finished_at timestamptz,
  total integer NOT NULL DEFAULT 0,
  matched integer NOT NULL DEFAULT 0,
  still_differ integer NOT NULL DEFAULT 0,
  failed integer NOT NULL DEFAULT 0,
  skipped integer NOT NULL DEFAULT 0,
  error text
);
CREATE INDEX IF NOT EXISTS replay_run_queued_idx ON org_proxy.replay_run (id) WHERE status = 'queued';
CREATE INDEX IF NOT EXISTS replay_run_group_idx ON org_proxy.replay_run (route, signature, id);

-- One row per replayed request. comparison_id names the stored request it came from; no foreign
-- key, since retention prunes comparisons while a replay's verdict stays worth keeping.
CREATE TABLE IF NOT EXISTS org_proxy.replay_item (
  run_id bigint NOT NULL REFERENCES org_proxy.replay_run (id) ON DELETE CASCADE,
  comparison_id bigint NOT NULL,
  route text NOT NULL,
  method text NOT NULL,
  path text NOT NULL,
  query text NOT NULL DEFAULT '',
  organization_id uuid,
  user_id integer,
  was_signature text,
  outcome text NOT NULL,
  signature text,
  signature_keys text[],
  legacy_status integer,
  new_status integer,
  error text,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, comparison_id)
);

-- Every answer of a stage gate: what it checked, what it saw and what it said; an override records
-- the operator's written reason next to the evidence it overrode.
CREATE TABLE IF NOT EXISTS org_proxy.gate_decision (
  id bigserial PRIMARY KEY,
  flag text NOT NULL,
  target text NOT NULL CHECK (target IN ('live', '100', 'contract')),
  step text,
  passed boolean NOT NULL,
  overridden boolean NOT NULL DEFAULT false,
  override_reason text,
  decided_by text NOT NULL,
  source text NOT NULL CHECK (source IN ('cli', 'contract', 'admin')),
  decided_at timestamptz NOT NULL DEFAULT now(),
  options jsonb NOT NULL DEFAULT '{}',
  evidence jsonb NOT NULL,
  CONSTRAINT gate_decision_override_has_reason CHECK (NOT overridden OR btrim(coalesce(override_reason, '')) <> '')
);
CREATE INDEX IF NOT EXISTS gate_decision_flag_idx ON org_proxy.gate_decision (flag, decided_at);
