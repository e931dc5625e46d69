// The one job runner, on a synthetic job whose step is deliberately NOT repeat-safe (it counts hits per
// row), so any batch run twice shows: a clean stop and resume, a failed batch, a dry run, a throttle
// that says wait, and two runners of one job all end with every row hit exactly once.
import postgres from 'postgres'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { databaseHealth, describeProgress, progressPrinter, readCheckpoint, runJob, type Job, type Progress } from '../../src/jobs/index.js'
import { phase1Database, type Phase1Database } from '../organizations/harness.js'

const N = 230
let db: Phase1Database
beforeAll(async () => {
  db = await phase1Database()
  await db.sql`CREATE TABLE job_test_item (id int PRIMARY KEY, hits int NOT NULL DEFAULT 0)`
})
afterAll(() => db?.close())
beforeEach(async () => {
  await db.sql`TRUNCATE job_test_item`
  await db.sql`INSERT INTO job_test_item (id) SELECT g FROM generate_series(1, ${N}) AS g`
  await db.sql`DELETE FROM org_proxy.job_checkpoint`
})

let failNext: { code?: string; message: string } | null = null
const job: Job = {
  name: 'test:hits',
  parts: [
    {
      name: 'odd',
      count: async (sql) => Number((await sql`SELECT count(*) AS n FROM job_test_item WHERE id % 2 = 1`)[0]!.n),
      step: async (tx, after, ctx) => hit(tx, after, ctx.limit, 1),
    },
    {
      name: 'even',
      count: async (sql) => Number((await sql`SELECT count(*) AS n FROM job_test_item WHERE id % 2 = 0`)[0]!.n),
      step: async (tx, after, ctx) => hit(tx, after, ctx.limit, 0),
    },
  ],
}

async function hit(tx: postgres.TransactionSql, after: unknown, limit: number, odd: number) {
  const rows = await tx<{ id: number }[]>`
    UPDATE job_test_item SET hits = hits + 1
    WHERE id IN (SELECT id FROM job_test_item WHERE id > ${Number(after ?? 0)} AND id % 2 = ${odd} ORDER BY id LIMIT ${limit})
    RETURNING id`
  if (failNext) {
    const f = failNext
    failNext = null
    throw Object.assign(new Error(f.message), f.code ? { code: f.code } : {})
  }
  const last = rows.length ? Math.max(...rows.map((r) => r.id)) : null
  return { last, walked: rows.length, tally: { hits: rows.length } }
}

async function hits(): Promise<Record<number, number>> {
  const rows = await db.sql<{ hits: number; n: number }[]>`SELECT hits, count(*)::int AS n FROM job_test_item GROUP BY hits`
  return Object.fromEntries(rows.map((r) => [r.hits, r.n]))
}

const quick = { throttle: false as const, pauseMs: 0, batchSize: 20 }

describe('runJob', () => {
  it('walks every part in keyset batches, with a checkpoint, progress and a summed tally', async () => {
    const seen: Progress[] = []
    const s = await runJob(db.sql, job, { ...quick, onProgress: (p) => seen.push(p) })
    expect(s).toMatchObject({ status: 'finished', walked: N, runDone: N, total: N, tally: { hits: N }, resumed: false })
    expect(await hits()).toEqual({ 1: N })
    expect(await readCheckpoint(db.sql, 'test:hits')).toMatchObject({ status: 'finished', done: N, cursor: { part: 2, after: null } })
    expect(seen.at(-1)).toMatchObject({ finished: true, done: N, total: N })
    expect(seen.map((p) => p.part)).toEqual(expect.arrayContaining(['odd', 'even']))
  })

  it('stops cleanly on abort after the batch in flight, and resumes where it stopped', async () => {
    const ac = new AbortController()
    let batches = 0
    const first = await runJob(db.sql, job, { ...quick, signal: ac.signal, onBatch: () => ++batches === 3 && ac.abort() })
    expect(first).toMatchObject({ status: 'stopped', walked: 60 })
    expect(await readCheckpoint(db.sql, 'test:hits')).toMatchObject({ status: 'stopped', done: 60 })
    const second = await runJob(db.sql, job, quick)
    expect(second).toMatchObject({ status: 'finished', resumed: true, walked: N - 60, runDone: N, tally: { hits: N } })
    expect(await hits()).toEqual({ 1: N })
  })

  it('retries a transient failure; a real one fails the run, which resumes later', async () => {
    failNext = { code: '40001', message: 'could not serialize access' }
    const lines: string[] = []
    expect(await runJob(db.sql, job, { ...quick, log: (l) => lines.push(l) })).toMatchObject({ status: 'finished' })
    expect(lines.some((l) => l.includes('40001') && l.includes('retry 1'))).toBe(true)
    expect(await hits()).toEqual({ 1: N })

    await db.sql`UPDATE job_test_item SET hits = 0`
    await db.sql`DELETE FROM org_proxy.job_checkpoint`
    let n = 0
    failNext = null
    const failing = runJob(db.sql, job, { ...quick, onBatch: () => void (++n === 2 && (failNext = { message: 'column "x" does not exist' })) })
    await expect(failing).rejects.toThrow('column "x" does not exist')
    expect(await readCheckpoint(db.sql, 'test:hits')).toMatchObject({ status: 'failed', done: 40, last_error: 'column "x" does not exist' })
    expect(await runJob(db.sql, job, quick)).toMatchObject({ status: 'finished', resumed: true })
    expect(await hits()).toEqual({ 1: N })
  })

  it('a dry run does every batch and rolls it back, with no checkpoint', async () => {
    const s = await runJob(db.sql, job, { ...quick, dryRun: true })
    expect(s).toMatchObject({ status: 'finished', walked: N, tally: { hits: N } })
    expect(await hits()).toEqual({ 0: N })
    expect(await readCheckpoint(db.sql, 'test:hits')).toBeNull()
  })

  it('waits while the throttle says the database is unhealthy', async () => {
    let verdicts = 0
    const waited: string[] = []
    const throttle = async () => (++verdicts <= 2 ? { ok: false as const, reason: 'replication lag 12.0 s > 10 s' } : { ok: true as const })
    const s = await runJob(db.sql, job, { ...quick, throttle, healthRecheckMs: 10, onProgress: (p) => p.waiting && waited.push(p.waiting) })
    expect(s.status).toBe('finished')
    expect(waited).toEqual(['replication lag 12.0 s > 10 s', 'replication lag 12.0 s > 10 s'])
  })

  it('two runners of one job share it batch by batch, never repeating one', async () => {
    const a = postgres(db.url, { max: 2, onnotice: () => {} })
    const b = postgres(db.url, { max: 2, onnotice: () => {} })
    try {
      const [ra, rb] = await Promise.all([runJob(a, job, { ...quick, pauseMs: 3 }), runJob(b, job, { ...quick, pauseMs: 3 })])
      expect(ra.walked + rb.walked).toBe(N)
    } finally {
      await a.end()
      await b.end()
    }
    expect(await hits()).toEqual({ 1: N })
  })

  it('a periodic job skips a run that finished within its interval', async () => {
    await runJob(db.sql, job, quick)
    expect((await runJob(db.sql, job, { ...quick, skipIfFinishedWithinMs: 60_000 })).status).toBe('skipped')
    expect(await hits()).toEqual({ 1: N })
  })

  it('the default throttle reads its signals from the database', async () => {
    expect(await databaseHealth()(db.sql)).toEqual({ ok: true })
    expect(await databaseHealth({ maxConnectionShare: 0 })(db.sql)).toMatchObject({ ok: false, reason: expect.stringContaining('max_connections') })
  })
})

describe('progress', () => {
  const p: Progress = { job: 'backfill:organizations', part: 'campaigns', done: 412_000, total: 1_000_000, rate: 38_511.4, etaSeconds: 15.3, batches: 206 }
  it('reads as one line with rate and ETA', () => {
    expect(describeProgress(p)).toBe('backfill:organizations [campaigns] 41.2% 412,000/1,000,000 · 38,511/s · ETA 15s')
  })
  it('redraws a bar on a terminal and prints plain lines elsewhere', () => {
    const tty: string[] = []
    const term = progressPrinter({ isTTY: true, columns: 120, write: (s: string) => (tty.push(s), true) } as never)
    term.update(p)
    term.update({ ...p, done: 500_000 })
    term.end()
    expect(tty[0]).toMatch(/^\r\[#+\.+\] backfill/)
    expect(tty.at(-1)).toBe('\n')
    const plain: string[] = []
    const log = progressPrinter({ write: (s: string) => (plain.push(s), true) } as never, { everyMs: 60_000 })
    log.update(p)
    log.update({ ...p, done: 500_000 })
    log.update({ ...p, done: 1_000_000, finished: true })
    expect(plain).toEqual([`${describeProgress(p)}\n`, `${describeProgress({ ...p, done: 1_000_000, finished: true })}\n`])
  })
})
