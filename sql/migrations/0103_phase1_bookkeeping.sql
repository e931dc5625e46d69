-- Phase 1 bookkeeping in the proxy's own schema: the checkpoints of the resumable jobs (backfills,
-- reconcile), the outbox of organization writes to retry, the reports of reconcile runs and the log
-- of contract steps (with the reasons of any gate override).
SET LOCAL lock_timeout = '5s';

-- One row per job name: where its current run stands. A batch and its checkpoint commit together,
-- so a run killed mid-batch resumes exactly where the last committed batch left it.
CREATE TABLE IF NOT EXISTS org_proxy.job_checkpoint (
  job text PRIMARY KEY,
  run_id uuid NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'stopped', 'failed', 'finished')),
  cursor jsonb,
  done bigint NOT NULL DEFAULT 0,
  total bigint,
  batches integer NOT NULL DEFAULT 0,
  tally jsonb NOT NULL DEFAULT '{}',
  options jsonb NOT NULL DEFAULT '{}',
  last_error text,
  started_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);

-- Organization writes that failed after the legacy write stood. The payload holds only what redoing
-- the write needs (user id, campaign and office ids), never the request body.
CREATE TABLE IF NOT EXISTS org_proxy.outbox (
  id bigserial PRIMARY KEY,
  route text NOT NULL,
  payload jsonb NOT NULL,
  request_id text,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS outbox_due_idx ON org_proxy.outbox (next_attempt_at) WHERE status = 'pending';

CREATE TABLE IF NOT EXISTS org_proxy.reconcile_run (
  id bigserial PRIMARY KEY,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  mode text NOT NULL,
  host text,
  examined bigint NOT NULL DEFAULT 0,
  repaired bigint NOT NULL DEFAULT 0,
  report jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS reconcile_run_started_at_idx ON org_proxy.reconcile_run (started_at);

CREATE TABLE IF NOT EXISTS org_proxy.contract_run (
  id bigserial PRIMARY KEY,
  step text NOT NULL,
  action text NOT NULL CHECK (action IN ('apply', 'rollback')),
  outcome text NOT NULL CHECK (outcome IN ('applied', 'already-applied', 'refused', 'failed', 'dry-run')),
  gate_ok boolean,
  gate_evidence text,
  override_reason text,
  operator text,
  report jsonb NOT NULL DEFAULT '{}',
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
