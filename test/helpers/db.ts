// One fresh database per test file: a new database on the PostgreSQL at DATABASE_URL when set, else an
// embedded in-memory PGlite (through src/db, the proxy's own code path). Each file's data stays its own.
import postgres from 'postgres'
import { randomBytes } from 'node:crypto'
import { openDatabase } from '../../src/db/index.js'

export type TestDatabase = {
  sql: postgres.Sql
  /** Connect a second client here (e.g. to test two replicas); the embedded one serves it too. */
  url: string
  /** True for the embedded PGlite: one session shared by every connection (see src/db). */
  embedded: boolean
  /** Ends the pool and drops the database (or stops the embedded one). */
  close: () => Promise<void>
}

/**
 * Creates an empty database; the caller applies the migrations it needs.
 * @example
 * let db: TestDatabase
 * beforeAll(async () => { db = await freshDatabase(); await migrateProxy(db.sql) })
 * afterAll(() => db.close())
 */
export async function freshDatabase(opts: { max?: number } = {}): Promise<TestDatabase> {
  const base = process.env.DATABASE_URL
  const max = opts.max ?? 10
  if (!base) {
    const db = await openDatabase({ max })
    return { sql: db.sql, url: db.url, embedded: true, close: db.close }
  }
  const name = `orgproxy_t_${randomBytes(6).toString('hex')}`
  const admin = postgres(base, { max: 1, onnotice: () => {} })
  await admin.unsafe(`CREATE DATABASE ${name}`)
  await admin.end()
  const u = new URL(base)
  u.pathname = `/${name}`
  const url = u.toString()
  const db = await openDatabase({ databaseUrl: url, max })
  return {
    sql: db.sql,
    url,
    embedded: false,
    close: async () => {
      await db.close()
      const a = postgres(base, { max: 1, onnotice: () => {} })
      await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await a.end()
    },
  }
}
