// One fresh database per test file: a new database on the PostgreSQL at DATABASE_URL when set, else
// an embedded in-memory PGlite (filled in by src/db). Each file's data stays its own.
import postgres from 'postgres'
import { randomBytes } from 'node:crypto'

export type TestDatabase = {
  sql: postgres.Sql
  url: string
  close: () => Promise<void>
}

/** Creates an empty database; the caller applies the migrations it needs. */
export async function freshDatabase(): Promise<TestDatabase> {
  const base = process.env.DATABASE_URL
  if (!base) throw new Error('embedded test databases are not wired yet: set DATABASE_URL')
  const name = `orgproxy_t_${randomBytes(6).toString('hex')}`
  const admin = postgres(base, { max: 1, onnotice: () => {} })
  await admin.unsafe(`CREATE DATABASE ${name}`)
  await admin.end()
  const u = new URL(base)
  u.pathname = `/${name}`
  const url = u.toString()
  const sql = postgres(url, { max: 10, onnotice: () => {} })
  return {
    sql,
    url,
    close: async () => {
      await sql.end({ timeout: 1 })
      const a = postgres(base, { max: 1, onnotice: () => {} })
      await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await a.end()
    },
  }
}
