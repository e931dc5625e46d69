// The organization backfill: a dry run writes nothing, a run links every campaign and office, a second
// run changes nothing, and a run killed (SIGKILL of the CLI process, mid-batch) ten times at random
// points ends equal to one clean run, with verify reporting no drift.
import { spawn } from 'node:child_process'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatBackfillSummary, organizationsBackfill, ORGANIZATIONS_BACKFILL } from '../../src/backfill/index.js'
import { readCheckpoint, runJob } from '../../src/jobs/index.js'
import { FIELD_LIST_SQL } from '../../src/organizations/index.js'
import { onPostgres, phase1Database, verifyReport, type Phase1Database } from '../organizations/harness.js'

const USERS = onPostgres ? 1500 : 800
let clean: Phase1Database
let killed: Phase1Database
beforeAll(async () => {
  ;[clean, killed] = await Promise.all([phase1Database({ users: USERS, seed: 5 }), phase1Database({ users: USERS, seed: 5 })])
})
afterAll(async () => {
  await clean?.close()
  await killed?.close()
})

/** Everything the backfill decides, keyed by legacy row (organization ids are random, so left out). */
async function digest(db: Phase1Database): Promise<{ digest: string; organizations: number; linked: number; rows: number }> {
  const [row] = await db.sql.unsafe<{ digest: string; organizations: number; linked: number; rows: number }[]>(`
    SELECT md5(string_agg(x, E'\\n' ORDER BY x)) AS digest,
      (SELECT count(*)::int FROM organization) AS organizations,
      (SELECT count(*)::int FROM campaign WHERE organization_id IS NOT NULL) + (SELECT count(*)::int FROM elected_office WHERE organization_id IS NOT NULL) AS linked,
      count(*)::int AS rows
    FROM (
      SELECT 'c' || c.id || ':' || row(o.owner_id, o.kind, ${FIELD_LIST_SQL.replace(/(\w+)/g, 'o.$1')}, o.legacy_synced_at)::text AS x
      FROM campaign c LEFT JOIN organization o ON o.id = c.organization_id
      UNION ALL
      SELECT 'e' || e.id || ':' || row(o.owner_id, o.kind, ${FIELD_LIST_SQL.replace(/(\w+)/g, 'o.$1')}, o.legacy_synced_at)::text
      FROM elected_office e LEFT JOIN organization o ON o.id = e.organization_id
    ) AS t`)
  return row!
}

type Life = { finished: () => boolean; kill: () => Promise<void>; batchCommitted?: Promise<void> }

/** PostgreSQL: the real CLI in a child process (SIGKILL makes the server roll its open batch back). */
function lifeInChildProcess(): Life {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/backfill.ts', 'organizations', '--batch-size', '10', '--pause-ms', '0'], {
    env: { ...process.env, DATABASE_URL: killed.url },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let finished = false
  child.stderr!.on('data', (d) => process.env.DEBUG_KILL && process.stderr.write(`[child] ${d}`))
  const exited = new Promise<void>((r) => child.on('exit', (code) => ((finished = true), process.env.DEBUG_KILL && process.stderr.write(`[child] exit ${code}\n`), r())))
  return {
    finished: () => finished,
    kill: async () => {
      child.kill('SIGKILL')
      await exited
    },
  }
}

/**
 * Embedded database: it lives in this process, so a child would run its batches here anyway; the
 * runner gets a connection of its own that is torn down mid-batch instead (the same rollback).
 */
function lifeOnOwnConnection(): Life {
  const client = postgres(killed.url, { max: 1, onnotice: () => {} })
  let finished = false
  let committed!: () => void
  const batchCommitted = new Promise<void>((r) => (committed = r))
  const run = runJob(client, organizationsBackfill, { batchSize: 10, pauseMs: 0, throttle: false, maxRetries: 0, onBatch: () => committed() })
    .then(() => (finished = true))
    .catch(() => {})
  return {
    batchCommitted,
    finished: () => finished,
    kill: async () => {
      await client.end({ timeout: 0 })
      await run
      finished = true
    },
  }
}

describe('npm run backfill -- organizations', () => {
  it('--dry-run counts every outcome and writes nothing', async () => {
    const summary = await runJob(clean.sql, organizationsBackfill, { dryRun: true, batchSize: 500, throttle: false, pauseMs: 0 })
    const created = Object.entries(summary.tally).filter(([k]) => k.startsWith('outcome:')).reduce((n, [, v]) => n + v, 0)
    const d = await digest(clean)
    expect(created).toBe(d.rows)
    expect(d.organizations).toBe(0)
    expect(await readCheckpoint(clean.sql, ORGANIZATIONS_BACKFILL)).toBeNull()
    expect(formatBackfillSummary(summary.tally, { dryRun: true })[0]).toBe(`organizations would create: ${d.rows}`)
  })

  it('links every campaign and office once; a second run changes nothing', async () => {
    const first = await runJob(clean.sql, organizationsBackfill, { batchSize: 200, throttle: false, pauseMs: 0 })
    expect(first.status).toBe('finished')
    const after = await digest(clean)
    expect(after.organizations).toBe(after.rows)
    expect(after.linked).toBe(after.rows)
    // (invalid-details is 0.3 % of the generator's rows: too rare to count on at this size)
    for (const o of ['exact', 'position-only', 'district-only', 'no-data']) expect(first.tally[`outcome:${o}`]).toBeGreaterThan(0)
    const second = await runJob(clean.sql, organizationsBackfill, { batchSize: 200, throttle: false, pauseMs: 0 })
    expect(second.tally).toEqual({ 'already-linked': after.rows })
    expect(await digest(clean)).toEqual(after)
    expect((await verifyReport(clean.sql)).drifted).toBe(0)
  })

  it('killed at random points ten times (process or session, mid-batch), it ends equal to one clean run, with no drift', async () => {
    // Every batch is made to last longer inside its transaction, so a kill lands mid-batch.
    await killed.sql.unsafe(`
      CREATE FUNCTION test_slow_batch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(${onPostgres ? 0.06 : 0.02}); RETURN NULL; END $$;
      CREATE TRIGGER test_slow_batch AFTER INSERT ON organization FOR EACH STATEMENT EXECUTE FUNCTION test_slow_batch();`)
    // The embedded database multiplexes sessions over one socket server: a query of ours that meets a
    // client dying mid-message can fail ("portal does not exist"); asking again is safe.
    const done = async (): Promise<number> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return (await readCheckpoint(killed.sql, ORGANIZATIONS_BACKFILL))?.done ?? 0
        } catch (err) {
          if (onPostgres || attempt > 5) throw err
        }
      }
    }
    // The runner's session while it is inside a transaction (mid-batch); the test's own are idle.
    const sessionInBatch = async (): Promise<number | null> => {
      for (let i = 0; i < 50; i++) {
        const [row] = await killed.sql<{ pid: number }[]>`
          SELECT pid FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL LIMIT 1`
        if (row) return row.pid
        await new Promise((r) => setTimeout(r, 5))
      }
      return null
    }
    // PostgreSQL: strikes 0, 3, 6, 9 SIGKILL the CLI process (a new one is started after each but the
    // last); the others terminate its session mid-batch (pg_terminate_backend), which the runner survives
    // by reconnecting and resuming from the checkpoint. Embedded: the runner's connection is torn down.
    let midBatch = 0
    const progress: number[] = []
    let life = onPostgres ? lifeInChildProcess() : lifeOnOwnConnection()
    try {
      for (let strike = 0; strike < 10; strike++) {
        const before = await done()
        // Wait for a batch committed since the last strike, then strike at a random moment after it. (The
        // embedded database is told by the runner itself: its socket server mixes up concurrent clients'
        // unnamed portals, so the test stays off the database while the runner works.)
        if (life.batchCommitted) await life.batchCommitted
        else while (!life.finished() && (await done()) === before) await new Promise((r) => setTimeout(r, 15))
        await new Promise((r) => setTimeout(r, Math.random() * 150))
        expect(life.finished(), 'the backfill finished before it could be killed: give it more rows').toBe(false)
        if (onPostgres) {
          const pid = await sessionInBatch()
          if (pid !== null) midBatch++
          if (strike % 3 === 0) {
            await life.kill()
            if (strike < 9) life = lifeInChildProcess()
          } else if (pid !== null) {
            await killed.sql`SELECT pg_terminate_backend(${pid})`
          }
        } else {
          await life.kill()
          // The embedded socket server rolls the dead session back just after the close; a query of ours
          // racing that rollback can lose its unnamed portal, so let it land first.
          await new Promise((r) => setTimeout(r, 100))
          if (strike < 9) life = lifeOnOwnConnection()
        }
        progress.push(await done())
      }
    } finally {
      // A failed assertion must not leave a backfill running against the next test's database.
      if (!life.finished()) await life.kill()
    }
    expect(progress.at(-1)!).toBeLessThan((await digest(killed)).rows)
    // (pg_stat_activity tells only on PostgreSQL; the embedded database is one session.)
    if (onPostgres) expect(midBatch).toBeGreaterThanOrEqual(8)
    await killed.sql.unsafe('DROP TRIGGER test_slow_batch ON organization; DROP FUNCTION test_slow_batch();')
    const last = await runJob(killed.sql, organizationsBackfill, { batchSize: 200, throttle: false, pauseMs: 0 })
    expect(last.resumed).toBe(true)
    const [a, b] = await Promise.all([digest(killed), digest(clean)])
    expect(a).toEqual(b)
    expect((await verifyReport(killed.sql)).drifted).toBe(0)
  }, 90_000)

  it('--verify lists drift by field path with counts and example ids', async () => {
    const [c] = await clean.sql<{ id: number; organization_id: string }[]>`
      SELECT c.id, c.organization_id::text FROM campaign c JOIN organization o ON o.id = c.organization_id WHERE o.state IS NOT NULL ORDER BY c.id LIMIT 1`
    await clean.sql`UPDATE organization SET state = 'ZZ' WHERE id = ${c!.organization_id}`
    const report = await verifyReport(clean.sql)
    expect(report.drifted).toBeGreaterThanOrEqual(1)
    // The office organizations of that campaign mirror it, so they have the same drift or none.
    expect(report.paths['state (details.state)']!.examples[0]).toMatchObject({ campaignId: c!.id, organizationId: c!.organization_id, organization: 'ZZ' })
  })
})
