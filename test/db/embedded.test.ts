// The embedded database (PGlite over a loopback socket): several postgres.js connections share one
// session, so transactions must not interleave, statements must not collide, and DATA_DIR must persist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import postgres from 'postgres'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase, type Database } from '../../src/db/index.js'

describe('embedded database', () => {
  let db: Database
  beforeAll(async () => {
    db = await openDatabase({ max: 4 })
  })
  afterAll(() => db?.close())

  it('is served over loopback and speaks to a second client too', async () => {
    expect(db.embedded).toBe(true)
    expect(db.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/)
    const other = postgres(db.url, { max: 1, onnotice: () => {} })
    try {
      expect(await other`select 1 + ${1}::int as two`).toEqual([{ two: 2 }])
    } finally {
      await other.end()
    }
  })

  it('keeps transactions from two connections apart', async () => {
    await db.sql`create table tx_order (conn text, step int, seen int)`
    // Each transaction counts its own rows between steps; another connection's rows must never show
    // up inside it, and its writes must be all or nothing.
    const run = (conn: string) =>
      db.sql.begin(async (tx) => {
        for (let step = 1; step <= 5; step++) {
          const [row] = await tx<{ n: number }[]>`select count(*)::int as n from tx_order`
          await tx`insert into tx_order values (${conn}, ${step}, ${row!.n})`
          await new Promise((r) => setTimeout(r, 5))
        }
      })
    await Promise.all([run('a'), run('b'), run('c')])
    const rows = await db.sql<{ conn: string; step: number; seen: number }[]>`select * from tx_order`
    for (const conn of ['a', 'b', 'c']) {
      const mine = rows.filter((r) => r.conn === conn).sort((x, y) => x.step - y.step)
      const start = mine[0]!.seen
      // Consecutive: nobody else's insert landed between two steps of this transaction.
      expect(mine.map((r) => r.seen)).toEqual([start, start + 1, start + 2, start + 3, start + 4])
    }
  })

  it('rolls back a failed transaction without touching the others', async () => {
    await db.sql`create table tx_fail (id int)`
    const failing = db.sql.begin(async (tx) => {
      await tx`insert into tx_fail values (1)`
      await tx`select 1/0`
    })
    const fine = db.sql.begin(async (tx) => {
      await tx`insert into tx_fail values (2)`
    })
    await expect(failing).rejects.toThrow(/division by zero/)
    await fine
    expect(await db.sql`select id from tx_fail`).toEqual([{ id: 2 }])
  })

  it('runs many concurrent parameterised queries on the pool without mixing them up', async () => {
    // Unnamed statements (prepare: false) get replaced by another connection's between Parse and
    // Bind; openDatabase keeps named ones, which this checks.
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        i % 2 ? db.sql`select ${i}::int as v, 'x' as pad` : db.sql`select ${String(i)}::text as v`,
      ),
    )
    expect(results.map((r) => Number(r[0]!.v))).toEqual(Array.from({ length: 300 }, (_, i) => i))
  })

  it('keeps each query of many connections whole, unnamed statements and portals included', async () => {
    // Two pools (the proxy and a command beside it) with prepare: false, the worst case: every query
    // uses the session's unnamed statement and portal, which another connection's Parse/Bind would replace.
    const other = postgres(db.url, { max: 4, prepare: false, onnotice: () => {} })
    const mine = postgres(db.url, { max: 4, prepare: false, onnotice: () => {} })
    try {
      const results = await Promise.all(
        Array.from({ length: 400 }, (_, i) => (i % 2 ? other : mine)`select ${i}::int as v, ${`p${i}`}::text as w`),
      )
      expect(results.map((r) => [Number(r[0]!.v), r[0]!.w])).toEqual(Array.from({ length: 400 }, (_, i) => [i, `p${i}`]))
    } finally {
      await other.end()
      await mine.end()
    }
  })

  it('shares session settings across connections, which is why the code uses SET LOCAL', async () => {
    const a = await db.sql.reserve()
    const b = await db.sql.reserve()
    try {
      await a`select set_config('application_name', 'leaks', false)`
      const [seen] = await b`select current_setting('application_name') as v`
      expect(seen?.v).toBe('leaks')
      await a`reset application_name`
    } finally {
      a.release()
      b.release()
    }
  })
})

describe('embedded database with a data directory', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'org-proxy-pgdata-'))
  })
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('keeps its rows across close and reopen', async () => {
    const first = await openDatabase({ dataDir: join(dir, 'data') })
    await first.sql`create table kept (id int primary key, note text)`
    await first.sql`insert into kept values (1, 'still here')`
    await first.close()

    const second = await openDatabase({ dataDir: join(dir, 'data') })
    try {
      expect(await second.sql`select * from kept`).toEqual([{ id: 1, note: 'still here' }])
    } finally {
      await second.close()
    }
  }, 120_000)
})
