// The outbox of failed organization writes: durable items with ids only, retries with exponential
// backoff and jitter, dead after too many attempts, and any number of workers without two of them
// redoing one item (FOR UPDATE SKIP LOCKED).
import postgres from 'postgres'
import { Registry } from 'prom-client'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { backoff, createOutbox, processOutbox, startOutboxWorker, type OutboxHandlers } from '../../src/outbox/index.js'
import type { DualWriteInput } from '../../src/routes/types.js'
import { addUser, eventually, organizationOf, phase1Database, type Phase1Database } from '../organizations/harness.js'

let db: Phase1Database
beforeAll(async () => {
  db = await phase1Database()
})
afterAll(() => db?.close())
beforeEach(async () => {
  await db.sql`DELETE FROM org_proxy.outbox`
})

const input = (userId: number, json: unknown = null): DualWriteInput => ({
  userId,
  params: {},
  body: { details: { name: 'Jane Doe', phone: '555-0100' } },
  legacy: { status: 200, body: Buffer.from(JSON.stringify(json)), json },
  requestId: 'req-1',
})

async function items() {
  return db.sql<{ id: string; route: string; payload: any; attempts: number; status: string; due_in: number; last_error: string }[]>`
    SELECT id::text, route, payload, attempts, status, extract(epoch FROM next_attempt_at - now())::float8 AS due_in, last_error
    FROM org_proxy.outbox ORDER BY id`
}

describe('outbox', () => {
  it('backoff doubles per attempt, capped at 15 minutes, jittered between half and all', () => {
    expect(backoff(1, 1000, () => 0)).toBe(500)
    expect(backoff(1, 1000, () => 1)).toBe(1000)
    expect(backoff(4, 1000, () => 1)).toBe(8000)
    expect(backoff(30, 1000, () => 1)).toBe(15 * 60_000)
  })

  it('keeps ids only, never the request body', async () => {
    await createOutbox(db.sql).enqueue('campaigns.mine.update', input(7, { id: 42, details: { phone: '555-0100' } }), new Error('boom'))
    const [item] = await items()
    expect(item).toMatchObject({ route: 'campaigns.mine.update', payload: { userId: 7, campaignId: 42 }, attempts: 0, status: 'pending', last_error: 'boom' })
    expect(JSON.stringify(item)).not.toContain('555-0100')
  })

  it('a failing redo is retried later with growing delays, then marked dead', async () => {
    const handlers: OutboxHandlers = { flaky: { payload: () => ({}), redo: async () => { throw new Error('still failing') } } }
    await createOutbox(db.sql, { handlers }).enqueue('flaky', input(1), new Error('first'))
    // Not due yet (the first retry is a second away), unless drained.
    expect(await processOutbox(db.sql, { handlers })).toEqual({ done: 0, retried: 0, dead: 0 })
    for (let attempt = 1; attempt <= 3; attempt++) {
      const r = await processOutbox(db.sql, { handlers, ignoreSchedule: true, maxAttempts: 3, backoffBaseMs: 10_000 })
      const [item] = await items()
      expect(item!.attempts).toBe(attempt)
      if (attempt < 3) {
        expect(r.retried).toBe(1)
        expect(item!.due_in).toBeGreaterThan(0.5 * 10 * 2 ** (attempt - 1) - 1)
      } else {
        expect(r.dead).toBe(1)
        expect(item!.status).toBe('dead')
      }
    }
    // Dead items wait for a person or reconcile's repair; workers leave them alone.
    expect(await processOutbox(db.sql, { handlers, ignoreSchedule: true })).toEqual({ done: 0, retried: 0, dead: 0 })
  })

  it('two workers at once never redo the same item', async () => {
    const seen: string[] = []
    const handlers: OutboxHandlers = {
      count: {
        payload: (i) => ({ n: (i.body as { n: number }).n }),
        redo: async (_tx, p) => {
          seen.push(String(p.n))
          await new Promise((r) => setTimeout(r, 2))
        },
      },
    }
    const outbox = createOutbox(db.sql, { handlers })
    for (let n = 0; n < 40; n++) await outbox.enqueue('count', { ...input(1), body: { n } }, new Error('x'))
    const a = postgres(db.url, { max: 1, onnotice: () => {} })
    const b = postgres(db.url, { max: 1, onnotice: () => {} })
    try {
      const [ra, rb] = await Promise.all([
        processOutbox(a, { handlers, ignoreSchedule: true }),
        processOutbox(b, { handlers, ignoreSchedule: true }),
      ])
      expect(ra.done + rb.done).toBe(40)
    } finally {
      await a.end()
      await b.end()
    }
    expect(seen).toHaveLength(40)
    expect(new Set(seen).size).toBe(40)
    expect(await items()).toEqual([])
  })

  it('the worker redoes due items from the current legacy rows and reports the queue', async () => {
    const userId = await addUser(db.sql)
    const [c] = await db.sql<{ id: number }[]>`INSERT INTO campaign (slug, user_id, details) VALUES (${`w-${userId}`}, ${userId}, '{"positionId": 3}') RETURNING id`
    // An item for a route without a handler still redoes everything of that user's.
    await createOutbox(db.sql).enqueue('some.unknown.route', input(userId), new Error('x'))
    await db.sql`UPDATE org_proxy.outbox SET next_attempt_at = now()`
    const registry = new Registry()
    const log = { info: () => {}, warn: () => {}, error: () => {} }
    const worker = startOutboxWorker({ sql: db.sql, log, metrics: { registry }, intervalMs: 50 })
    try {
      await eventually(async () => (await items()).length === 0, 10_000, 'the outbox to empty')
    } finally {
      await worker.stop()
    }
    expect(await organizationOf(db.sql, { campaignId: c!.id })).toMatchObject({ kind: 'win', position_id: '3' })
    const text = await registry.metrics()
    expect(text).toContain('org_proxy_outbox_processed_total{route="some.unknown.route",result="done"} 1')
    expect(text).toContain('org_proxy_outbox_items{status="pending"} 0')
  })
})
