// `backfill organizations`: creates and links the organization of every campaign (`win`) and elected
// office (`serve`) that lacks one, in set-based keyset batches: one statement per batch maps the rows
// (mapping-sql.ts), inserts the organizations and links them. Rows already linked are skipped, so a
// second run changes nothing and a batch repeated after a kill does no harm.
import type { Sql, TransactionSql } from '../db/index.js'
import type { Job, JobPart, Key, StepResult } from '../jobs/index.js'
import { assertLegacySourceLive, FIELD_LIST_SQL, mappingLateral, MAPPED_COLUMNS, syncedAtSql } from '../organizations/index.js'

export const ORGANIZATIONS_BACKFILL = 'backfill:organizations'
const FIRST_UUID = '00000000-0000-0000-0000-000000000000'

/**
 * The tally keys: `outcome:<category>` per organization created, `invalid:<legacy path>` per value
 * rejected, `already-linked` per row skipped.
 */
const TALLY_SQL = `
  SELECT coalesce(jsonb_object_agg(k, n), '{}') FROM (
    SELECT 'outcome:' || outcome AS k, count(*) AS n FROM created GROUP BY 1
    UNION ALL SELECT 'invalid:' || f, count(*) FROM created, unnest(invalid) AS f GROUP BY 1
    UNION ALL SELECT 'already-linked', (SELECT n FROM batch) - (SELECT count(*) FROM created)
      WHERE (SELECT n FROM batch) > (SELECT count(*) FROM created)
  ) AS x`

/**
 * The link is written first: the UPDATE takes each row's lock and, after waiting for one, re-checks
 * `organization_id IS NULL`, so a row a dual write linked meanwhile is skipped, and only rows this
 * statement linked get an organization (inserted in the same statement, before the foreign keys are
 * checked at its end).
 */
const LINKED_THEN_INSERTED = (table: 'campaign' | 'elected_office', kind: 'win' | 'serve') => `
  link AS (
    UPDATE ${table} x SET organization_id = m.org_id FROM mapped m WHERE x.id = m.id AND x.organization_id IS NULL
    RETURNING x.id
  ), created AS MATERIALIZED (
    SELECT m.* FROM mapped m JOIN link l ON l.id = m.id
  ), ins AS (
    INSERT INTO organization (id, owner_id, kind, ${FIELD_LIST_SQL}, legacy_synced_at)
    SELECT org_id, user_id, '${kind}', ${FIELD_LIST_SQL}, legacy_synced_at FROM created
  )`

/**
 * One batch of campaigns, or (`'all'`) every campaign in one statement: the benchmark's one-shot twin,
 * the physical limit of the same work.
 */
export function campaignBatchSql(limit: 'param' | 'all'): string {
  return `
  WITH batch AS MATERIALIZED (
    SELECT max(id) AS hi, count(*) AS n FROM (SELECT id FROM campaign WHERE id > $1::int ORDER BY id ${limit === 'param' ? 'LIMIT $2::int' : ''}) AS k
  ), mapped AS MATERIALIZED (
    -- A key range, so the plan is an index range scan whatever the batch size.
    SELECT c.id, gen_random_uuid() AS org_id, c.user_id, ${MAPPED_COLUMNS}, ${syncedAtSql('c.updated_at', 'p.updated_at')} AS legacy_synced_at
    FROM campaign c
    -- P2V bounded to the same key range, so no plan walks it from its first row on every batch.
    LEFT JOIN path_to_victory p ON p.campaign_id = c.id AND p.campaign_id > $1::int AND p.campaign_id <= (SELECT hi FROM batch)
    ${mappingLateral({ details: 'c.details', data: 'p.data', orphan: 'false' })}
    WHERE c.id > $1::int AND c.id <= (SELECT hi FROM batch) AND c.organization_id IS NULL
  ), ${LINKED_THEN_INSERTED('campaign', 'win')}
  SELECT (SELECT hi FROM batch) AS last, (SELECT n FROM batch)::int AS walked, (${TALLY_SQL}) AS tally`
}

export function officeBatchSql(limit: 'param' | 'all'): string {
  return `
  WITH keys AS MATERIALIZED (
    SELECT id FROM elected_office WHERE id > $1::uuid ORDER BY id ${limit === 'param' ? 'LIMIT $2::int' : ''}
  ), batch AS MATERIALIZED (
    -- uuid has no max(): the last key of the batch by order instead.
    SELECT (SELECT k.id FROM keys k ORDER BY k.id DESC LIMIT 1) AS hi, (SELECT count(*) FROM keys) AS n
  ), mapped AS MATERIALIZED (
    -- A serve organization mirrors its campaign's BR+L2 (the mapping of the campaign's rows).
    SELECT e.id, gen_random_uuid() AS org_id, e.user_id, ${MAPPED_COLUMNS},
      ${syncedAtSql('e.updated_at', 'c.updated_at', 'p.updated_at')} AS legacy_synced_at
    FROM elected_office e LEFT JOIN campaign c ON c.id = e.campaign_id LEFT JOIN path_to_victory p ON p.campaign_id = c.id
    ${mappingLateral({ details: 'c.details', data: 'p.data', orphan: 'c.id IS NULL' })}
    WHERE e.id > $1::uuid AND e.id <= (SELECT hi FROM batch) AND e.organization_id IS NULL
  ), ${LINKED_THEN_INSERTED('elected_office', 'serve')}
  SELECT (SELECT hi::text FROM batch) AS last, (SELECT n FROM batch)::int AS walked, (${TALLY_SQL}) AS tally`
}

// Built once: the text is constant, so the server keeps one prepared plan per statement.
const CAMPAIGN_BATCH = campaignBatchSql('param')
const OFFICE_BATCH = officeBatchSql('param')

type BatchRow = { last: Key | null; walked: number; tally: Record<string, number> }

async function runBatch(tx: TransactionSql, text: string, after: Key, limit: number): Promise<StepResult> {
  // After a phase 3 cleanup the legacy rows are empty of the fields: refuse (the CLI prints the reason).
  await assertLegacySourceLive(tx)
  // The batch's rows (with their JSON) are materialized three times over; at the default 4 MB they
  // spill to temporary files. synchronous_commit off: a batch lost to a crash loses its checkpoint
  // advance with it (same transaction), so the next run simply redoes it.
  await tx`SELECT set_config('work_mem', '64MB', true), set_config('synchronous_commit', 'off', true)`
  const [row] = await tx.unsafe<BatchRow[]>(text, [after, limit], { prepare: true })
  const tally = Object.fromEntries(Object.entries(row?.tally ?? {}).map(([k, v]) => [k, Number(v)]))
  return { last: row?.last ?? null, walked: row?.walked ?? 0, tally }
}

export const campaignsPart: JobPart = {
  name: 'campaigns',
  count: async (sql: Sql) => Number((await sql<{ n: string }[]>`SELECT count(*) AS n FROM campaign`)[0]!.n),
  step: (tx, after, ctx) => runBatch(tx, CAMPAIGN_BATCH, after ?? 0, ctx.limit),
}

export const officesPart: JobPart = {
  name: 'elected offices',
  count: async (sql: Sql) => Number((await sql<{ n: string }[]>`SELECT count(*) AS n FROM elected_office`)[0]!.n),
  step: (tx, after, ctx) => runBatch(tx, OFFICE_BATCH, after ?? FIRST_UUID, ctx.limit),
}

/** Campaigns first, then offices. @example await runJob(sql, organizationsBackfill, { batchSize: 5000 }) */
export const organizationsBackfill: Job = { name: ORGANIZATIONS_BACKFILL, parts: [campaignsPart, officesPart] }
