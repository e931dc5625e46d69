// Reconcile repairs what never passed the proxy: P2V data rewritten directly in SQL (as gp-api's queue
// worker does), rows inserted without an organization, writes that did not even bump updated_at (deep
// mode), and the outbox. Two replicas reconciling at once share the work and never repeat a batch.
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { organizationsBackfill } from '../../src/backfill/index.js'
import { runJob } from '../../src/jobs/index.js'
import { createOutbox } from '../../src/outbox/index.js'
import { formatReconcile, reconcile, startReconciler } from '../../src/reconcile/index.js'
import { addUser, eventually, organizationOf, phase1Database, verifyReport, type Phase1Database } from '../organizations/harness.js'

let db: Phase1Database
const fast = { throttle: false as const, pauseMs: 0 }
beforeAll(async () => {
  db = await phase1Database({ users: 600, seed: 3 })
  await runJob(db.sql, organizationsBackfill, { ...fast, batchSize: 500 })
})
afterAll(() => db?.close())

/** Campaigns with a P2V row and an office, for planting drift. */
async function campaignsWithP2v(n: number, offset = 0): Promise<number[]> {
  const rows = await db.sql<{ id: number }[]>`
    SELECT c.id FROM campaign c JOIN path_to_victory p ON p.campaign_id = c.id ORDER BY c.id OFFSET ${offset} LIMIT ${n}`
  return rows.map((r) => r.id)
}

describe('reconcile', () => {
  it('repairs P2V data rewritten behind the proxy’s back, and reports what it changed', async () => {
    const ids = await campaignsWithP2v(5)
    await db.sql`
      UPDATE path_to_victory SET data = data || '{"electionLocation": "REDRAWN DISTRICT 9", "districtId": "d-redrawn"}',
        updated_at = now() AT TIME ZONE 'UTC'
      WHERE campaign_id = ANY(${ids}::int[])`
    expect((await verifyReport(db.sql)).paths['l2_district_name (pathToVictory.data.electionLocation)']?.count).toBeGreaterThanOrEqual(5)
    const report = await reconcile(db.sql, { ...fast, batchSize: 100 })
    // The campaigns' organizations, and those of their offices (which mirror them).
    expect(report.updated).toBeGreaterThanOrEqual(5)
    expect(report.changedColumns.l2_district_name).toBe(report.updated)
    expect(report.examples.map((e) => e.campaignId).filter(Boolean)).toEqual(expect.arrayContaining(ids))
    expect(formatReconcile(report)[0]).toContain(`repaired ${report.updated}`)
    for (const id of ids) expect(await organizationOf(db.sql, { campaignId: id })).toMatchObject({ l2_district_name: 'REDRAWN DISTRICT 9', district_id: 'd-redrawn' })
    expect((await verifyReport(db.sql)).drifted).toBe(0)
    const [run] = await db.sql<{ repaired: string }[]>`SELECT repaired FROM org_proxy.reconcile_run ORDER BY id DESC LIMIT 1`
    expect(Number(run!.repaired)).toBe(report.updated)
  })

  it('creates the organization of a campaign written without the proxy', async () => {
    const userId = await addUser(db.sql)
    const [c] = await db.sql<{ id: number }[]>`INSERT INTO campaign (slug, user_id, details) VALUES (${`direct-${userId}`}, ${userId}, '{"state": "vt"}') RETURNING id`
    const report = await reconcile(db.sql, fast)
    expect(report.created).toBe(1)
    expect(await organizationOf(db.sql, { campaignId: c!.id })).toMatchObject({ kind: 'win', owner_id: userId, state: 'VT' })
  })

  it('quick mode trusts updated_at; deep mode also finds a write that never bumped it', async () => {
    const [id] = await campaignsWithP2v(1, 20)
    await db.sql`UPDATE path_to_victory SET data = data || '{"electionType": "Sneaky_Type"}' WHERE campaign_id = ${id!}`
    expect((await reconcile(db.sql, fast)).updated).toBe(0)
    const deep = await reconcile(db.sql, { ...fast, mode: 'deep' })
    expect(deep.updated).toBeGreaterThanOrEqual(1)
    expect(await organizationOf(db.sql, { campaignId: id! })).toMatchObject({ l2_district_type: 'Sneaky_Type' })
    expect((await verifyReport(db.sql)).drifted).toBe(0)
  })

  it('drains the outbox', async () => {
    const [id] = await campaignsWithP2v(1, 40)
    const [c] = await db.sql<{ user_id: number }[]>`SELECT user_id FROM campaign WHERE id = ${id!}`
    const legacy = { status: 200, body: Buffer.alloc(0), json: { id } }
    await createOutbox(db.sql).enqueue('campaigns.mine.district', { userId: c!.user_id, params: {}, body: {}, legacy, requestId: 'r-1' }, new Error('deadline'))
    const report = await reconcile(db.sql, fast)
    expect(report.outbox.done).toBe(1)
    const [n] = await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM org_proxy.outbox`
    expect(n!.n).toBe(0)
  })

  it('two replicas at once share one pass and never repeat a batch', async () => {
    const ids = await campaignsWithP2v(40, 60)
    await db.sql`UPDATE path_to_victory SET data = data || '{"source": "Replica_Test"}', updated_at = now() AT TIME ZONE 'UTC' WHERE campaign_id = ANY(${ids}::int[])`
    const [total] = await db.sql<{ n: number }[]>`SELECT (SELECT count(*) FROM campaign) + (SELECT count(*) FROM elected_office) AS n`
    const a = postgres(db.url, { max: 2, onnotice: () => {} })
    const b = postgres(db.url, { max: 2, onnotice: () => {} })
    try {
      const [offices] = await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM elected_office WHERE campaign_id = ANY(${ids}::int[])`
      // A pause between batches, as in production, gives the other replica its turns.
      const [ra, rb] = await Promise.all([reconcile(a, { throttle: false, batchSize: 20, pauseMs: 5 }), reconcile(b, { throttle: false, batchSize: 20, pauseMs: 5 })])
      // Every row examined exactly once across both, every stale organization repaired exactly once.
      expect(ra.examined + rb.examined).toBe(Number(total!.n))
      expect(ra.updated + rb.updated).toBe(ids.length + offices!.n)
      expect(ra.examined).toBeGreaterThan(0)
      expect(rb.examined).toBeGreaterThan(0)
      const [again] = [await reconcile(db.sql, { ...fast, mode: 'deep' })]
      expect(again.updated + again.created).toBe(0)
    } finally {
      await a.end()
      await b.end()
    }
    expect((await verifyReport(db.sql)).drifted).toBe(0)
  })

  it('runs periodically in the proxy (startReconciler) and stops cleanly', async () => {
    const [id] = await campaignsWithP2v(1, 120)
    await db.sql`UPDATE path_to_victory SET data = data || '{"electionLocation": "PERIODIC"}', updated_at = now() AT TIME ZONE 'UTC' WHERE campaign_id = ${id!}`
    const lines: string[] = []
    const log = { info: (_o: object, m: string) => void lines.push(m), warn: () => {}, error: (o: object, m: string) => void lines.push(`${m} ${JSON.stringify(o)}`) }
    const reconciler = startReconciler({ sql: db.sql, log, intervalMs: 150, batchSize: 1000 })
    try {
      await eventually(async () => (await organizationOf(db.sql, { campaignId: id! }))?.l2_district_name === 'PERIODIC', 15_000, 'the periodic reconcile')
    } finally {
      await reconciler.stop()
    }
    expect(lines).toContain('reconcile repaired organizations')
  })
})
