-- The proxy's own tables (ledgers, organization bookkeeping, outbox, checkpoints) live in their own
-- schema, apart from the legacy gp-api tables in public, so the proxy never collides with Prisma's.
CREATE SCHEMA IF NOT EXISTS org_proxy;
