// Dedicated PostgreSQL databases for the benches that need real rows (issue #4): created next to
// DATABASE_URL's database (or the local server's), cloned by template, always dropped afterwards.
import { randomBytes } from 'node:crypto'
import postgres from 'postgres'

export type BenchDb = { name: string; url: string; drop: () => Promise<void> }

/** The server the benches use: DATABASE_URL's, else the local PostgreSQL. */
export function benchServerUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
}

/** @example const db = await createBenchDb('bf'); … await db.drop() */
export async function createBenchDb(tag: string, opts: { template?: string } = {}): Promise<BenchDb> {
  const base = benchServerUrl()
  const name = `orgproxy_bench_${tag}_${randomBytes(4).toString('hex')}`
  const admin = postgres(base, { max: 1, onnotice: () => {} })
  try {
    // Names are ours (letters, digits, underscores): safe as identifiers.
    await admin.unsafe(`CREATE DATABASE ${name}${opts.template ? ` TEMPLATE ${opts.template}` : ''}`)
  } finally {
    await admin.end()
  }
  const u = new URL(base)
  u.pathname = `/${name}`
  return {
    name,
    url: u.toString(),
    drop: async () => {
      const a = postgres(base, { max: 1, onnotice: () => {} })
      await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {})
      await a.end()
    },
  }
}
