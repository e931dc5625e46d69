// Phase 3: the BR keys leave campaign.details and the L2 keys leave path_to_victory.data. A job on the
// one runner walks each table in keyset batches; in each batch's transaction the keys are copied into
// org_proxy.legacy_archive, taken out of the row, and counted into the step's evidence, so a batch
// repeated after a kill does nothing twice. Rows keep their updated_at: the move is bookkeeping, not an
// edit (gp-api's answers keep their timestamps). Rollback merges every archived key back (a key written
// since wins), in batches; remove-br-l2-confirm drops the archive once its counts prove it complete.
import type { PendingQuery, Row } from 'postgres'
import type { Sql, TransactionSql } from '../db/index.js'
import { BR_FIELDS, L2_FIELDS } from '../domain/index.js'
import { FLAG } from '../flags/index.js'
import { readCheckpoint, runJob, type Job, type JobPart, type Key, type StepResult } from '../jobs/index.js'
import { organizationsVerify, formatDrift } from '../backfill/verify.js'
import { retireLegacySource } from '../organizations/index.js'
import { addEvidence, archiveCounts, cleanupRow } from './cleanup-state.js'
import { configuredFlagStatus, flagChecks, type FlagStatusSource } from './flags.js'
import type { ActionContext, ContractStep, Precondition } from './types.js'

const STEP = 'remove-br-l2'
export const REMOVE_BR_L2_JOB = 'cleanup:remove-br-l2'
export const RESTORE_BR_L2_JOB = 'cleanup:remove-br-l2:rollback'

/** Where each kind of key lives: table, its jsonb column, the keys, the evidence names. */
export const KEY_SOURCES = [
  { table: 'campaign', column: 'details', keys: [...BR_FIELDS] as string[], label: 'campaigns' },
  { table: 'path_to_victory', column: 'data', keys: [...L2_FIELDS] as string[], label: 'paths to victory' },
] as const
export type KeySource = (typeof KEY_SOURCES)[number]

/**
 * The keys of the rows `ids` selects (a SELECT of an `id` column, in id order) taken out: the rows holding
 * any of the keys locked, their keys archived when `archive` (merged into an earlier archive entry of the
 * same row, the later value winning: it is what the row held last) and counted into the step's evidence
 * (what the archive gained, for the confirm step's check), then removed from the row without touching its
 * updated_at. The removal batches and phase 3's key move (one row after a write) both take keys out here.
 */
export async function takeOutKeys(tx: TransactionSql, t: KeySource, ids: PendingQuery<Row[]>, archive: boolean) {
  const table = tx(t.table)
  const column = tx(t.column)
  const [row] = await tx<{ last: number | null; walked: number; rows: number; keys: number; new_rows: number; new_keys: number }[]>`
    WITH batch AS MATERIALIZED (${ids}), moved AS MATERIALIZED (
      SELECT x.id, (SELECT jsonb_object_agg(k, x.${column} -> k) FROM unnest(${t.keys}::text[]) AS k WHERE x.${column} ? k) AS removed
      FROM ${table} x
      WHERE x.id IN (SELECT id FROM batch) AND jsonb_typeof(x.${column}) = 'object' AND x.${column} ?| ${t.keys}::text[]
      ORDER BY x.id FOR UPDATE OF x
    ), gained AS MATERIALIZED (
      SELECT m.id, a.row_id IS NULL AS new_row,
        (SELECT count(*) FROM jsonb_object_keys(m.removed) AS k WHERE NOT coalesce(a.removed ? k, false)) AS new_keys
      FROM moved m LEFT JOIN org_proxy.legacy_archive a
        ON a.table_name = ${t.table} AND a.row_id = m.id::text AND a.column_name = ${t.column}
    ), archived AS (
      INSERT INTO org_proxy.legacy_archive (table_name, row_id, column_name, removed)
      SELECT ${t.table}, id::text, ${t.column}, removed FROM moved WHERE ${archive}::boolean
      ON CONFLICT (table_name, row_id, column_name) DO UPDATE SET removed = legacy_archive.removed || excluded.removed, archived_at = now()
    ), emptied AS (
      UPDATE ${table} x SET ${column} = x.${column} - ${t.keys}::text[] FROM moved m WHERE x.id = m.id
    )
    SELECT (SELECT max(id) FROM batch) AS last, (SELECT count(*) FROM batch)::int AS walked,
      (SELECT count(*) FROM moved)::int AS rows,
      (SELECT coalesce(sum((SELECT count(*) FROM jsonb_object_keys(removed))), 0) FROM moved)::int AS keys,
      (SELECT count(*) FILTER (WHERE new_row) FROM gained)::int AS new_rows,
      (SELECT coalesce(sum(new_keys), 0) FROM gained)::int AS new_keys`
  if (archive) await addEvidence(tx, STEP, { [`${t.table}.rows`]: row!.new_rows, [`${t.table}.keys`]: row!.new_keys })
  return row!
}

/** One removal batch of a table: the keys of the key range's rows taken out and archived. */
async function removeBatch(tx: TransactionSql, t: KeySource, after: Key | null, limit: number): Promise<StepResult> {
  const row = await takeOutKeys(tx, t, tx`SELECT id FROM ${tx(t.table)} WHERE id > ${Number(after ?? 0)} ORDER BY id LIMIT ${limit}`, true)
  return { last: row.last, walked: row.walked, tally: { [`${t.label}: rows emptied`]: row.rows, [`${t.label}: keys removed`]: row.keys } }
}

/**
 * One restore batch: archive rows in row_id order, their keys merged under the row's current ones (a
 * key written since the removal is kept), then the archive rows deleted, with the evidence they carried.
 * An archive row whose legacy row is gone (deleted meanwhile) goes too; one whose column is no longer an
 * object stays, and is reported.
 */
async function restoreBatch(tx: TransactionSql, t: KeySource, after: Key | null, limit: number): Promise<StepResult> {
  const table = tx(t.table)
  const column = tx(t.column)
  const [row] = await tx<{ last: string | null; walked: number; restored: number; gone: number; keys: number }[]>`
    WITH batch AS MATERIALIZED (
      SELECT row_id, removed FROM org_proxy.legacy_archive
      WHERE table_name = ${t.table} AND column_name = ${t.column} AND row_id > ${String(after ?? '')}
      ORDER BY row_id LIMIT ${limit} FOR UPDATE
    ), restored AS MATERIALIZED (
      UPDATE ${table} x SET ${column} = b.removed || x.${column} FROM batch b
      WHERE x.id = b.row_id::int AND jsonb_typeof(x.${column}) = 'object'
      RETURNING x.id::text AS row_id
    ), gone AS MATERIALIZED (
      SELECT b.row_id FROM batch b WHERE NOT EXISTS (SELECT 1 FROM ${table} x WHERE x.id = b.row_id::int)
    ), deleted AS (
      DELETE FROM org_proxy.legacy_archive a
      WHERE a.table_name = ${t.table} AND a.column_name = ${t.column}
        AND a.row_id IN (SELECT row_id FROM restored UNION ALL SELECT row_id FROM gone)
      RETURNING a.removed
    )
    SELECT (SELECT max(row_id) FROM batch) AS last, (SELECT count(*) FROM batch)::int AS walked,
      (SELECT count(*) FROM restored)::int AS restored, (SELECT count(*) FROM gone)::int AS gone,
      (SELECT coalesce(sum((SELECT count(*) FROM jsonb_object_keys(removed))), 0) FROM deleted)::int AS keys`
  await addEvidence(tx, STEP, { [`${t.table}.rows`]: -(row!.restored + row!.gone), [`${t.table}.keys`]: -row!.keys })
  return { last: row!.last, walked: row!.walked, tally: { [`${t.label}: rows restored`]: row!.restored, [`${t.label}: rows gone meanwhile`]: row!.gone } }
}

const part = (t: KeySource, verb: 'remove' | 'restore'): JobPart => ({
  name: `${verb === 'remove' ? 'remove from' : 'restore into'} ${t.table}.${t.column}`,
  count: async (sql: Sql) =>
    verb === 'remove'
      ? Number((await sql<{ n: string }[]>`SELECT count(*) AS n FROM ${sql(t.table)}`)[0]!.n)
      : Number((await sql<{ n: string }[]>`SELECT count(*) AS n FROM org_proxy.legacy_archive WHERE table_name = ${t.table} AND column_name = ${t.column}`)[0]!.n),
  step: (tx, after, ctx) => (verb === 'remove' ? removeBatch(tx, t, after, ctx.limit) : restoreBatch(tx, t, after, ctx.limit)),
})

/** The removal as a job (exported for tests and progress tools). */
export const removeBrL2Job: Job = { name: REMOVE_BR_L2_JOB, parts: KEY_SOURCES.map((t) => part(t, 'remove')) }
export const restoreBrL2Job: Job = { name: RESTORE_BR_L2_JOB, parts: KEY_SOURCES.map((t) => part(t, 'restore')) }

/** Rows that still hold a key of their kind: written after the removal (or never walked). A full read of each table. */
export async function keysLeft(sql: Sql): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const t of KEY_SOURCES) {
    const [row] = await sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM ${sql(t.table)} x WHERE jsonb_typeof(x.${sql(t.column)}) = 'object' AND x.${sql(t.column)} ?| ${t.keys}::text[]`
    out[t.table] = row!.n
  }
  return out
}

export type JobOptions = { batchSize?: number; pauseMs?: number; throttle?: false }

async function runToEnd(sql: Sql, job: Job, ctx: ActionContext, opts: JobOptions, log: (line: string) => void): Promise<void> {
  const s = await runJob(sql, job, { batchSize: opts.batchSize ?? 2000, pauseMs: opts.pauseMs ?? 20, ...(opts.throttle === false ? { throttle: false } : {}), signal: ctx.signal, log })
  for (const [k, v] of Object.entries(s.tally)) log(`  ${k}: ${v}`)
  if (s.status !== 'finished') throw new Error(`${job.name} stopped after ${s.runDone} rows; run the step again to resume from its checkpoint`)
}

/**
 * @example CONTRACT_STEPS = [..., removeBrL2Step({ flagStatus })]
 */
export function removeBrL2Step({ flagStatus = configuredFlagStatus, job = {} }: { flagStatus?: FlagStatusSource; job?: JobOptions } = {}): ContractStep {
  return {
    name: STEP,
    phase: 3,
    summary: 'BR keys removed from campaign.details and L2 keys from path_to_victory.data, into org_proxy.legacy_archive (until confirmed)',
    gateFlag: FLAG.reads,
    async precondition(sql): Promise<Precondition> {
      const flags = flagChecks(await flagStatus(), [[FLAG.dualWrite, 'off'], [FLAG.reads, 'live']])
      const lines = [...flags.lines]
      if (!flags.ok) lines.push(`switch dual writes off (npm run contract -- dual-writes-off) and keep ${FLAG.reads} live at 100 % first`)
      const started = await cleanupRow(sql, STEP)
      let drifted = 0
      if (started) {
        // Phase 1's verify compares with the legacy keys this step is taking away: it was clean when the
        // step started (this precondition), and means nothing in the middle of the removal.
        lines.push(`resuming: the removal started ${started.started_at.toISOString()} (organizations verified clean then)`)
      } else {
        const { job: verify, report } = organizationsVerify()
        await runJob(sql, verify, { checkpoint: false, throttle: false, pauseMs: 0, batchSize: 5000 })
        drifted = report.drifted
        lines.push(...formatDrift(report))
        if (drifted) lines.push('organizations drift from their legacy rows: `npm run reconcile -- --deep`, then `npm run backfill -- organizations --verify` until clean (removing the keys would lose them)')
      }
      return { ok: flags.ok && !drifted, report: lines, counts: { drifted } }
    },
    async applied(sql) {
      const row = await cleanupRow(sql, STEP)
      if (!row?.finished_at) return false
      // Keys written back after the removal (a legacy write) make the step due again.
      return Object.values(await keysLeft(sql)).every((n) => n === 0)
    },
    apply: [
      { name: 'retire phase 1 sync (org_proxy.legacy_cleanup)', run: (sql) => sql.begin((tx) => retireLegacySource(tx, STEP)).then(() => {}) },
      { name: 'move the BR and L2 keys into org_proxy.legacy_archive, in batches', run: (sql, log, ctx) => runToEnd(sql, removeBrL2Job, ctx, job, log) },
      {
        name: 'record the removal finished',
        run: async (sql, log) => {
          await sql`UPDATE org_proxy.legacy_cleanup SET finished_at = now() WHERE step = ${STEP}`
          const row = await cleanupRow(sql, STEP)
          log(`archive evidence: ${JSON.stringify(row?.evidence ?? {})}`)
        },
      },
    ],
    async rollbackPrecondition(sql) {
      const row = await cleanupRow(sql, STEP)
      if (row?.confirmed_at) return { ok: false, report: [`confirmed ${row.confirmed_at.toISOString()}: the archive was dropped, nothing to put back`] }
      return { ok: true, report: [row ? `removal started ${row.started_at.toISOString()}${row.finished_at ? ', finished' : ', unfinished'}` : 'no removal in force (a rollback finds nothing to restore)'] }
    },
    rollback: [
      { name: 'merge every archived key back, in batches', run: (sql, log, ctx) => runToEnd(sql, restoreBrL2Job, ctx, job, log) },
      {
        name: 'phase 1 sync back (org_proxy.legacy_cleanup row removed)',
        run: async (sql, log) => {
          const left = await Promise.all(KEY_SOURCES.map((t) => archiveCounts(sql, t.table, t.column)))
          const rows = left.reduce((n, c) => n + c.rows, 0)
          if (rows) throw new Error(`${rows} archive rows could not be put back (their column is no longer a JSON object): fix them by hand, then roll back again`)
          await sql.begin(async (tx) => {
            await tx`DELETE FROM org_proxy.legacy_cleanup WHERE step = ${STEP}`
            // A later apply starts a fresh walk, not the resume of this one.
            await tx`DELETE FROM org_proxy.job_checkpoint WHERE job IN (${REMOVE_BR_L2_JOB}, ${RESTORE_BR_L2_JOB})`
          })
          log('phase 1 sync may run again (reconcile, outbox, backfill)')
        },
      },
    ],
  }
}

/** remove-br-l2-confirm: the archive is dropped, once the removal finished and the archive is complete. */
export function removeBrL2ConfirmStep(): ContractStep {
  return {
    name: `${STEP}-confirm`,
    phase: 3,
    summary: 'drops the archived BR/L2 values of remove-br-l2 (irreversible), once the removal finished and the archive holds every removed value',
    gateFlag: FLAG.reads,
    async precondition(sql) {
      const row = await cleanupRow(sql, STEP)
      if (!row) return { ok: false, report: ['remove-br-l2 has not run: nothing to confirm'] }
      const checkpoint = await readCheckpoint(sql, REMOVE_BR_L2_JOB)
      const left = await keysLeft(sql)
      const lines = [
        `removal: started ${row.started_at.toISOString()}, ${row.finished_at ? `finished ${row.finished_at.toISOString()}` : 'not finished'} (job ${checkpoint?.status ?? 'never run'})`,
      ]
      let ok = !!row.finished_at && checkpoint?.status === 'finished'
      for (const t of KEY_SOURCES) {
        const a = await archiveCounts(sql, t.table, t.column)
        const rows = row.evidence[`${t.table}.rows`] ?? 0
        const keys = row.evidence[`${t.table}.keys`] ?? 0
        const complete = a.rows === rows && a.keys === keys
        ok &&= complete && left[t.table] === 0
        lines.push(`${t.table}.${t.column}: archive holds ${a.rows} rows / ${a.keys} keys, the removal moved ${rows} / ${keys}${complete ? '' : ' (MISMATCH)'}; rows still holding keys: ${left[t.table]}`)
      }
      if (Object.values(left).some((n) => n)) lines.push('keys were written back after the removal: run `npm run contract -- remove-br-l2` again first')
      return { ok, report: lines }
    },
    async applied(sql) {
      return !!(await cleanupRow(sql, STEP))?.confirmed_at
    },
    apply: [
      {
        name: 'drop the archived BR/L2 values, in batches',
        run: async (sql, log) => {
          for (const t of KEY_SOURCES) {
            let n = 0
            for (;;) {
              const r = await sql`
                DELETE FROM org_proxy.legacy_archive WHERE (table_name, row_id, column_name) IN (
                  SELECT table_name, row_id, column_name FROM org_proxy.legacy_archive
                  WHERE table_name = ${t.table} AND column_name = ${t.column} LIMIT 5000)`
              n += r.count
              if (!r.count) break
            }
            log(`${t.table}.${t.column}: ${n} archive rows dropped`)
          }
          await sql`UPDATE org_proxy.legacy_cleanup SET confirmed_at = now() WHERE step = ${STEP}`
        },
      },
    ],
  }
}
