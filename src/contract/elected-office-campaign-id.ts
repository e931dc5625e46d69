// Phase 3: offices stop naming a campaign. Until now the organizations of one campaign (its win
// organization and the serve organizations of its offices) shared its segments through
// elected_office.campaign_id (src/voter-filters/sql.ts). This step first splits them: every organization
// that saw a segment it does not own gets its own copy (same content and timestamps), so each keeps
// exactly the segments it saw; then it archives the column's values and drops the column. Everything it
// made or removed is in org_proxy.legacy_archive, so the rollback puts it back until
// elected-office-campaign-id-confirm drops the archive.
import type { Sql, TransactionSql } from '../db/index.js'
import { FLAG } from '../flags/index.js'
import { readCheckpoint, runJob, type Job, type Key, type StepResult } from '../jobs/index.js'
import { retireLegacySource } from '../organizations/index.js'
import { scopeCampaign, scopeOrganizations, segmentsSplit } from '../voter-filters/sql.js'
import { addEvidence, archiveCounts, cleanupRow, hasColumn } from './cleanup-state.js'
import { configuredFlagStatus, flagChecks, type FlagStatusSource } from './flags.js'
import type { JobOptions } from './remove-br-l2.js'
import type { ActionContext, ContractStep } from './types.js'
import { voterFilterOrganization } from './voter-filter-organization.js'

const STEP = 'elected-office-campaign-id'
export const SPLIT_JOB = 'cleanup:elected-office-campaign-id:split'
export const ARCHIVE_JOB = 'cleanup:elected-office-campaign-id:archive'
export const RESTORE_JOB = 'cleanup:elected-office-campaign-id:rollback'
const FIRST_UUID = '00000000-0000-0000-0000-000000000000'

/**
 * One split batch over campaigns: every organization whose segment scope is one of these campaigns (the
 * campaign's win organization, the serve organizations of its offices) and that shares (another
 * organization of its owner is in its scope) gets a copy of each segment the read path shows it and it
 * does not own, computed with the read path's own scope fragments, so "what it saw" is exactly what it
 * was shown. A campaign's organizations are split together, in one statement: a copy made for one of
 * them is never seen (or copied again) by another through the sharing this removes. Each split
 * organization and its copies are recorded in one archive row ('organization', id, 'segments-split'),
 * which is also what stops the read path sharing for it, in the same transaction: a reader sees the
 * shared segments or the copies, never both or neither. (This names elected_office.campaign_id, to find
 * a campaign's offices by its index: it runs only while the column exists.)
 */
async function splitBatch(tx: TransactionSql, after: Key | null, limit: number): Promise<StepResult> {
  const [row] = await tx<{ last: number | null; walked: number; viewers: number; copies: number }[]>`
    WITH batch AS MATERIALIZED (
      SELECT id FROM campaign WHERE id > ${Number(after ?? 0)} ORDER BY id LIMIT ${limit}
    ), candidates AS MATERIALIZED (
      SELECT c.organization_id AS id FROM campaign c WHERE c.id IN (SELECT id FROM batch) AND c.organization_id IS NOT NULL
      UNION
      SELECT e.organization_id FROM elected_office e WHERE e.campaign_id IN (SELECT id FROM batch) AND e.organization_id IS NOT NULL
    ), viewers AS MATERIALIZED (
      SELECT o.id, o.owner_id, s.campaign_id FROM organization o
      CROSS JOIN LATERAL (SELECT ${scopeCampaign(tx)} AS campaign_id) s
      WHERE o.id IN (SELECT id FROM candidates) AND s.campaign_id IN (SELECT id FROM batch) AND NOT ${segmentsSplit(tx, 'o.id')}
        AND EXISTS (SELECT 1 FROM ${scopeOrganizations(tx, tx`s.campaign_id`)} AS sh(id) WHERE sh.id <> o.id)
      ORDER BY o.id FOR UPDATE OF o
    ), seen AS MATERIALIZED (
      SELECT o.id AS viewer, f.id AS source, nextval(pg_get_serial_sequence('public.voter_file_filter', 'id')) AS copy_id
      FROM viewers o JOIN voter_file_filter f
        ON f.organization_id IN ${scopeOrganizations(tx, tx`o.campaign_id`)} AND f.organization_id <> o.id
    ), copied AS (
      -- Every column as it is (whatever columns the table has by now), but the id and the organization.
      INSERT INTO voter_file_filter
      SELECT r.* FROM seen s JOIN voter_file_filter f ON f.id = s.source,
        LATERAL jsonb_populate_record(NULL::voter_file_filter, to_jsonb(f) || jsonb_build_object('id', s.copy_id, 'organization_id', s.viewer)) AS r
    ), archived AS (
      INSERT INTO org_proxy.legacy_archive (table_name, row_id, column_name, removed)
      SELECT 'organization', v.id::text, 'segments-split', jsonb_build_object('campaign', v.campaign_id, 'copies', coalesce((
        SELECT jsonb_agg(jsonb_build_object('id', s.copy_id, 'source', s.source) ORDER BY s.copy_id) FROM seen s WHERE s.viewer = v.id), '[]'))
      FROM viewers v
    )
    SELECT (SELECT max(id) FROM batch) AS last, (SELECT count(*) FROM batch)::int AS walked,
      (SELECT count(*) FROM viewers)::int AS viewers, (SELECT count(*) FROM seen)::int AS copies`
  await addEvidence(tx, STEP, { 'organization.split': row!.viewers, 'voter_file_filter.copies': row!.copies })
  return { last: row!.last, walked: row!.walked, tally: { 'organizations split': row!.viewers, 'segments copied': row!.copies } }
}

/** One archive batch over offices: each campaign_id, read through the row (the job is repeatable after the drop). */
async function archiveBatch(tx: TransactionSql, after: Key | null, limit: number): Promise<StepResult> {
  const [row] = await tx<{ last: string | null; walked: number; archived: number }[]>`
    WITH batch AS MATERIALIZED (
      SELECT e.id, to_jsonb(e) -> 'campaign_id' AS campaign_id FROM elected_office e
      WHERE e.id > ${String(after ?? FIRST_UUID)}::uuid ORDER BY e.id LIMIT ${limit}
    ), archived AS (
      INSERT INTO org_proxy.legacy_archive (table_name, row_id, column_name, removed)
      SELECT 'elected_office', id::text, 'campaign_id', campaign_id FROM batch WHERE jsonb_typeof(campaign_id) = 'number'
      ON CONFLICT (table_name, row_id, column_name) DO UPDATE SET removed = excluded.removed, archived_at = now()
        WHERE org_proxy.legacy_archive.removed IS DISTINCT FROM excluded.removed
      RETURNING 1
    )
    SELECT (SELECT id::text FROM batch ORDER BY id DESC LIMIT 1) AS last, (SELECT count(*) FROM batch)::int AS walked,
      (SELECT count(*) FROM archived)::int AS archived`
  return { last: row!.last, walked: row!.walked, tally: { 'campaign ids archived': row!.archived } }
}

/** Rollback: each archived campaign_id back on its office (the column was re-added empty); a campaign deleted since stays NULL. */
async function restoreBatch(tx: TransactionSql, after: Key | null, limit: number): Promise<StepResult> {
  const [row] = await tx<{ last: string | null; walked: number; restored: number }[]>`
    WITH batch AS MATERIALIZED (
      SELECT row_id, (removed #>> '{}')::int AS campaign_id FROM org_proxy.legacy_archive
      WHERE table_name = 'elected_office' AND column_name = 'campaign_id' AND row_id > ${String(after ?? '')}
      ORDER BY row_id LIMIT ${limit}
    ), restored AS (
      UPDATE elected_office e SET campaign_id = b.campaign_id FROM batch b
      WHERE e.id = b.row_id::uuid AND e.campaign_id IS NULL AND EXISTS (SELECT 1 FROM campaign c WHERE c.id = b.campaign_id)
      RETURNING 1
    )
    SELECT (SELECT max(row_id) FROM batch) AS last, (SELECT count(*) FROM batch)::int AS walked, (SELECT count(*) FROM restored)::int AS restored`
  return { last: row!.last, walked: row!.walked, tally: { 'campaign ids restored': row!.restored } }
}

/**
 * Rollback: per split organization, its copies deleted and its archive row with them (one transaction:
 * it shares again, with campaign_id back, at the moment it loses its copies). A copy edited since the
 * split loses that edit: the original it was copied from is what the organization sees again.
 */
async function unsplitBatch(tx: TransactionSql, after: Key | null, limit: number): Promise<StepResult> {
  const [row] = await tx<{ last: string | null; walked: number; deleted: number; copies: number }[]>`
    WITH batch AS MATERIALIZED (
      SELECT row_id, removed FROM org_proxy.legacy_archive
      WHERE table_name = 'organization' AND column_name = 'segments-split' AND row_id > ${String(after ?? '')}
      ORDER BY row_id LIMIT ${limit} FOR UPDATE
    ), dropped AS (
      DELETE FROM voter_file_filter f USING batch b, jsonb_array_elements(b.removed -> 'copies') AS c
      WHERE f.id = (c ->> 'id')::int AND f.organization_id = b.row_id::uuid
      RETURNING f.id
    ), forgotten AS (
      DELETE FROM org_proxy.legacy_archive a USING batch b
      WHERE a.table_name = 'organization' AND a.column_name = 'segments-split' AND a.row_id = b.row_id
    )
    SELECT (SELECT max(row_id) FROM batch) AS last, (SELECT count(*) FROM batch)::int AS walked,
      (SELECT count(*) FROM dropped)::int AS deleted,
      (SELECT coalesce(sum(jsonb_array_length(removed -> 'copies')), 0) FROM batch)::int AS copies`
  await addEvidence(tx, STEP, { 'organization.split': -row!.walked, 'voter_file_filter.copies': -row!.copies })
  return { last: row!.last, walked: row!.walked, tally: { 'organizations sharing again': row!.walked, 'copies deleted': row!.deleted } }
}

export const splitJob: Job = { name: SPLIT_JOB, parts: [{ name: 'split shared segments (by campaign)', count: async (sql: Sql) => Number((await sql<{ n: string }[]>`SELECT count(*) AS n FROM campaign`)[0]!.n), step: (tx, after, ctx) => splitBatch(tx, after, ctx.limit) }] }
export const archiveCampaignIdJob: Job = { name: ARCHIVE_JOB, parts: [{ name: 'archive elected_office.campaign_id', step: (tx, after, ctx) => archiveBatch(tx, after, ctx.limit) }] }
export const restoreCampaignIdJob: Job = {
  name: RESTORE_JOB,
  parts: [
    { name: 'restore elected_office.campaign_id', step: (tx, after, ctx) => restoreBatch(tx, after, ctx.limit) },
    { name: 'delete the split copies', step: (tx, after, ctx) => unsplitBatch(tx, after, ctx.limit) },
  ],
}

async function runToEnd(sql: Sql, job: Job, ctx: ActionContext, opts: JobOptions, log: (line: string) => void): Promise<void> {
  const s = await runJob(sql, job, { batchSize: opts.batchSize ?? 1000, pauseMs: opts.pauseMs ?? 20, ...(opts.throttle === false ? { throttle: false } : {}), signal: ctx.signal, log })
  for (const [k, v] of Object.entries(s.tally)) log(`  ${k}: ${v}`)
  if (s.status !== 'finished') throw new Error(`${job.name} stopped after ${s.runDone} rows; run the step again to resume from its checkpoint`)
}

/** Copies the split made, as the archive records them. */
async function archivedCopies(sql: Sql): Promise<number> {
  const [row] = await sql<{ n: string }[]>`
    SELECT coalesce(sum(jsonb_array_length(removed -> 'copies')), 0) AS n FROM org_proxy.legacy_archive
    WHERE table_name = 'organization' AND column_name = 'segments-split'`
  return Number(row!.n)
}

/** @example CONTRACT_STEPS = [..., electedOfficeCampaignIdStep({ flagStatus })] */
export function electedOfficeCampaignIdStep({ flagStatus = configuredFlagStatus, job = {} }: { flagStatus?: FlagStatusSource; job?: JobOptions } = {}): ContractStep {
  return {
    name: STEP,
    phase: 3,
    summary: 'segments shared through elected_office.campaign_id split per organization, then the column archived and dropped (until confirmed)',
    gateFlag: FLAG.writes,
    async precondition(sql) {
      const flags = flagChecks(await flagStatus(), [[FLAG.writes, 'live']])
      const segments = await voterFilterOrganization.applied(sql)
      const lines = [...flags.lines, `voter-filter-organization: ${segments ? 'applied (segments belong to organizations)' : 'not applied (needs: npm run contract -- voter-filter-organization)'}`]
      if (!flags.ok) lines.push(`roll ${FLAG.writes} out to 100 % live first: then POST /v1/elected-office is the proxy's, which writes no campaign_id`)
      const started = await cleanupRow(sql, STEP)
      if (started) lines.push(`resuming: started ${started.started_at.toISOString()}`)
      return { ok: flags.ok && segments, report: lines }
    },
    async applied(sql) {
      return !!(await cleanupRow(sql, STEP))?.finished_at && !(await hasColumn(sql, 'elected_office', 'campaign_id'))
    },
    apply: [
      { name: 'retire phase 1 sync (it reads elected_office.campaign_id)', run: (sql) => sql.begin((tx) => retireLegacySource(tx, STEP)).then(() => {}) },
      {
        name: 'split the shared segments: a copy for every organization that saw one it does not own',
        run: async (sql, log, ctx) => {
          // Resumed after the drop (the split finished before it): nothing is shared any more.
          if (!(await hasColumn(sql, 'elected_office', 'campaign_id'))) return log('elected_office.campaign_id is gone: the split ran before the drop')
          await runToEnd(sql, splitJob, ctx, job, log)
        },
      },
      { name: 'archive elected_office.campaign_id, in batches', run: (sql, log, ctx) => runToEnd(sql, archiveCampaignIdJob, ctx, job, log) },
      { file: 'elected-office-campaign-id.1-drop.sql' },
      {
        name: 'record the step finished',
        run: async (sql, log) => {
          await sql`UPDATE org_proxy.legacy_cleanup SET finished_at = now() WHERE step = ${STEP}`
          log(`archive evidence: ${JSON.stringify((await cleanupRow(sql, STEP))?.evidence ?? {})}`)
        },
      },
    ],
    async rollbackPrecondition(sql) {
      const row = await cleanupRow(sql, STEP)
      if (row?.confirmed_at) return { ok: false, report: [`confirmed ${row.confirmed_at.toISOString()}: the archive was dropped, nothing to put back`] }
      return { ok: true, report: [row ? `started ${row.started_at.toISOString()}${row.finished_at ? ', finished' : ', unfinished'}` : 'not in force (a rollback finds nothing to restore)'] }
    },
    rollback: [
      { file: 'elected-office-campaign-id.rollback-1-column.sql' },
      { name: 'restore elected_office.campaign_id and delete the split copies, in batches', run: (sql, log, ctx) => runToEnd(sql, restoreCampaignIdJob, ctx, job, log) },
      { foreignKey: { table: 'elected_office', column: 'campaign_id', references: 'campaign' } },
      {
        name: 'forget the archive; phase 1 sync back',
        run: async (sql, log) => {
          await sql.begin(async (tx) => {
            await tx`DELETE FROM org_proxy.legacy_archive WHERE table_name = 'elected_office' AND column_name = 'campaign_id'`
            await tx`DELETE FROM org_proxy.legacy_cleanup WHERE step = ${STEP}`
            await tx`DELETE FROM org_proxy.job_checkpoint WHERE job IN (${SPLIT_JOB}, ${ARCHIVE_JOB}, ${RESTORE_JOB})`
          })
          log('offices name their campaign again; segments are shared per campaign again')
        },
      },
    ],
  }
}

/** elected-office-campaign-id-confirm: the archive of the split and of the dropped column is dropped. */
export function electedOfficeCampaignIdConfirmStep(): ContractStep {
  return {
    name: `${STEP}-confirm`,
    phase: 3,
    summary: 'drops the archive of elected-office-campaign-id (irreversible), once the column is gone and the archive is complete',
    gateFlag: FLAG.writes,
    async precondition(sql) {
      const row = await cleanupRow(sql, STEP)
      if (!row) return { ok: false, report: ['elected-office-campaign-id has not run: nothing to confirm'] }
      const column = await hasColumn(sql, 'elected_office', 'campaign_id')
      const split = await readCheckpoint(sql, SPLIT_JOB)
      const ids = await archiveCounts(sql, 'elected_office', 'campaign_id')
      const viewers = await archiveCounts(sql, 'organization', 'segments-split')
      const copies = await archivedCopies(sql)
      const e = row.evidence
      const want = { ids: e['elected_office.campaign_id'] ?? -1, viewers: e['organization.split'] ?? 0, copies: e['voter_file_filter.copies'] ?? 0 }
      const lines = [
        `step: ${row.finished_at ? `finished ${row.finished_at.toISOString()}` : 'not finished'}; elected_office.campaign_id ${column ? 'still there' : 'dropped'}; split job ${split?.status ?? 'never run'}`,
        `archive: ${ids.rows} campaign ids (the drop counted ${want.ids < 0 ? 'nothing yet' : want.ids}), ${viewers.rows} split organizations (split ${want.viewers}), ${copies} copies (made ${want.copies})`,
      ]
      const ok = !!row.finished_at && !column && split?.status === 'finished' && ids.rows === want.ids && viewers.rows === want.viewers && copies === want.copies
      if (!ok) lines.push('the step has not finished, or its archive is not what it recorded: run `npm run contract -- elected-office-campaign-id` to the end first')
      return { ok, report: lines }
    },
    async applied(sql) {
      return !!(await cleanupRow(sql, STEP))?.confirmed_at
    },
    apply: [
      {
        name: 'drop the archived campaign ids and split records, in batches',
        run: async (sql, log) => {
          for (const [table, column] of [['elected_office', 'campaign_id'], ['organization', 'segments-split']] as const) {
            let n = 0
            for (;;) {
              const r = await sql`
                DELETE FROM org_proxy.legacy_archive WHERE (table_name, row_id, column_name) IN (
                  SELECT table_name, row_id, column_name FROM org_proxy.legacy_archive WHERE table_name = ${table} AND column_name = ${column} LIMIT 5000)`
              n += r.count
              if (!r.count) break
            }
            log(`${table}.${column}: ${n} archive rows dropped`)
          }
          await sql`UPDATE org_proxy.legacy_cleanup SET confirmed_at = now() WHERE step = ${STEP}`
        },
      },
    ],
  }
}
