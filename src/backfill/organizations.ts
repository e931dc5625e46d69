// `backfill organizations`: creates and links the organization of every campaign (`win`) and elected
// office (`serve`) that lacks one, in set-based keyset batches: one statement per batch maps the rows
// (mapping-sql.ts), inserts the organizations and links them. Rows already linked are skipped, so a
// second run changes nothing and a batch repeated after a kill does no harm.
import type { Sql, TransactionSql } from '../db/index.js'
import type { Job, JobPart, Key, StepResult } from '../jobs/index.js'
import { FIELD_LIST_SQL, mappingLateral, MAPPED_COLUMNS, syncedAtSql } from '../organizations/index.js'

export const ORGANIZATIONS_BACKFILL = 'backfill:organizations'
const FIRST_UUID = '00000000-0000-0000-0000-000000000000'

/**
 * The tally keys: `outcome:<category>` per organization created, `invalid:<legacy path>` per value
 * rejected, `already-linked` per row skipped.
 */
const TALLY_SQL = `
  SELECT coalesce(jsonb_object_agg(k, n), '{}') FROM (
    SELECT 'outcome:' || outcome AS k, count(*) AS n FROM mapped GROUP BY 1
    UNION ALL SELECT 'invalid:' || f, count(*) FROM mapped, unnest(invalid) AS f GROUP BY 1
    UNION ALL SELECT 'already-linked', (SELECT n FROM batch) - (SELECT count(*) FROM target)
      WHERE (SELECT n FROM batch) > (SELECT count(*) FROM target)
  ) AS x`

/**
 * One batch of campaigns, or (`'all'`) every campaign in one statement: the benchmark's one-shot twin,
 * the physical limit of the same work.
 */
export function campaignBatchSql(limit: 'param' | 'all'): string {
  return `
  WITH batch AS MATERIALIZED (
    SELECT max(id) AS hi, count(*) AS n FROM (SELECT id FROM campaign WHERE id > $1::int ORDER BY id ${limit === 'param' ? 'LIMIT $2::int' : ''}) AS k
  ), target AS MATERIALIZED (
    -- A key range, so the plan is an index range scan whatever the batch size. Locked, and re-checked
    -- after any wait: a campaign that a dual write linked meanwhile is skipped.
    SELECT c.id, c.user_id, c.details, c.updated_at, gen_random_uuid() AS org_id
    FROM campaign c WHERE c.id > $1::int AND c.id <= (SELECT hi FROM batch) AND c.organization_id IS NULL
    ORDER BY c.id FOR UPDATE OF c
  ), mapped AS MATERIALIZED (
    SELECT t.id, t.org_id, t.user_id, ${MAPPED_COLUMNS}, ${syncedAtSql('t.updated_at', 'p.updated_at')} AS legacy_synced_at
    FROM target t LEFT JOIN path_to_victory p ON p.campaign_id = t.id
    ${mappingLateral({ details: 't.details', data: 'p.data', orphan: 'false' })}
  ), ins AS (
    INSERT INTO organization (id, owner_id, kind, ${FIELD_LIST_SQL}, legacy_synced_at)
    SELECT org_id, user_id, 'win', ${FIELD_LIST_SQL}, legacy_synced_at FROM mapped
  ), link AS (
    UPDATE campaign c SET organization_id = m.org_id FROM mapped m WHERE c.id = m.id
  )
  SELECT (SELECT hi FROM batch) AS last, (SELECT n FROM batch)::int AS walked, (${TALLY_SQL}) AS tally`
}

export function officeBatchSql(limit: 'param' | 'all'): string {
  return `
  WITH keys AS MATERIALIZED (
    SELECT id FROM elected_office WHERE id > $1::uuid ORDER BY id ${limit === 'param' ? 'LIMIT $2::int' : ''}
  ), batch AS MATERIALIZED (
    -- uuid has no max(): the last key of the batch by order instead.
    SELECT (SELECT k.id FROM keys k ORDER BY k.id DESC LIMIT 1) AS hi, (SELECT count(*) FROM keys) AS n
  ), target AS MATERIALIZED (
    SELECT e.id, e.user_id, e.campaign_id, e.updated_at, gen_random_uuid() AS org_id
    FROM elected_office e WHERE e.id > $1::uuid AND e.id <= (SELECT hi FROM batch) AND e.organization_id IS NULL
    ORDER BY e.id FOR UPDATE OF e
  ), mapped AS MATERIALIZED (
    -- A serve organization mirrors its campaign's BR+L2 (the mapping of the campaign's rows).
    SELECT t.id, t.org_id, t.user_id, ${MAPPED_COLUMNS},
      ${syncedAtSql('t.updated_at', 'c.updated_at', 'p.updated_at')} AS legacy_synced_at
    FROM target t LEFT JOIN campaign c ON c.id = t.campaign_id LEFT JOIN path_to_victory p ON p.campaign_id = c.id
    ${mappingLateral({ details: 'c.details', data: 'p.data', orphan: 'c.id IS NULL' })}
  ), ins AS (
    INSERT INTO organization (id, owner_id, kind, ${FIELD_LIST_SQL}, legacy_synced_at)
    SELECT org_id, user_id, 'serve', ${FIELD_LIST_SQL}, legacy_synced_at FROM mapped
  ), link AS (
    UPDATE elected_office e SET organization_id = m.org_id FROM mapped m WHERE e.id = m.id
  )
  SELECT (SELECT hi::text FROM batch) AS last, (SELECT n FROM batch)::int AS walked, (${TALLY_SQL}) AS tally`
}

// Built once: the text is constant, so the server keeps one prepared plan per statement.
const CAMPAIGN_BATCH = campaignBatchSql('param')
const OFFICE_BATCH = officeBatchSql('param')

type BatchRow = { last: Key | null; walked: number; tally: Record<string, number> }

async function runBatch(tx: TransactionSql, text: string, after: Key, limit: number): Promise<StepResult> {
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
