-- org-proxy: no-transaction
-- The stage gate reads a flag's comparisons over a window (`npm run gate`, the contract steps):
-- an index on (flag, at) keeps that a range scan while the table holds millions of rows. Built
-- CONCURRENTLY because the proxy keeps recording outcomes meanwhile; dropped first so a re-run after
-- a failed build does not keep the INVALID index it left behind.
DROP INDEX CONCURRENTLY IF EXISTS org_proxy.comparison_flag_at_idx;
CREATE INDEX CONCURRENTLY IF NOT EXISTS comparison_flag_at_idx ON org_proxy.comparison (flag, at);
