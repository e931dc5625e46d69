// The migration runner against a real database (PostgreSQL at DATABASE_URL, else the embedded PGlite):
// order, ledger, checksums, concurrent runners, no-transaction files and failures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import postgres from 'postgres'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freshDatabase, type TestDatabase } from '../helpers/db.js'
import { applyLegacyBaseline, migrate, migrateProxy, MigrationError, readMigrations } from '../../src/db/migrate.js'
import { MIGRATION_LOCK_CLASS } from '../../src/db/migrate-steps.js'

let db: TestDatabase
let root: string
let n = 0

beforeAll(async () => {
  db = await freshDatabase()
  root = await mkdtemp(join(tmpdir(), 'org-proxy-migrate-'))
})
afterAll(async () => {
  await db?.close()
  if (root) await rm(root, { recursive: true, force: true })
})

/** A directory of migration files and a ledger of its own, so the tests never share state. */
async function fixture(files: Record<string, string>): Promise<{ dir: string; ledger: string; schema: string }> {
  n++
  const dir = join(root, `m${n}`)
  await mkdir(dir)
  const schema = `t${n}_${process.pid}`
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text.replaceAll('$S', schema))
  return { dir, ledger: `org_proxy.ledger_${n}`, schema }
}

async function ledgerRows(ledger: string): Promise<{ name: string; checksum: string; duration_ms: number }[]> {
  return db.sql.unsafe(`select name, checksum, duration_ms from ${ledger} order by name`)
}

describe('migrate', () => {
  it('applies files in name order, records them, and applies nothing the second time', async () => {
    const f = await fixture({
      '0002_second.sql': `insert into $S.log (step) values ('second');`,
      '0001_first.sql': `create schema $S; create table $S.log (n serial primary key, step text); insert into $S.log (step) values ('first');`,
      '0003_third.sql': `insert into $S.log (step) values ('third');`,
    })
    const first = await migrate(db.sql, f)
    expect(first.applied.map((a) => a.name)).toEqual(['0001_first.sql', '0002_second.sql', '0003_third.sql'])
    expect(first.alreadyApplied).toBe(0)
    const steps = await db.sql.unsafe(`select step from ${f.schema}.log order by n`)
    expect(steps.map((r) => r.step)).toEqual(['first', 'second', 'third'])

    const rows = await ledgerRows(f.ledger)
    const files = await readMigrations(f.dir)
    expect(rows.map((r) => [r.name, r.checksum])).toEqual(files.map((m) => [m.name, m.checksum]))
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum) && r.duration_ms >= 0)).toBe(true)

    const second = await migrate(db.sql, f)
    expect(second.applied).toEqual([])
    expect(second.alreadyApplied).toBe(3)
    expect(await db.sql.unsafe(`select count(*)::int as n from ${f.schema}.log`)).toEqual([{ n: 3 }])
  })

  it('refuses to run when an applied file changed', async () => {
    const f = await fixture({ '0001_a.sql': `create schema $S;`, '0002_b.sql': `create table $S.t (id int);` })
    await migrate(db.sql, f)
    await writeFile(join(f.dir, '0002_b.sql'), `create table ${f.schema}.t (id bigint);`)
    await writeFile(join(f.dir, '0003_c.sql'), `create table ${f.schema}.u (id int);`)
    const err = await migrate(db.sql, f).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(MigrationError)
    expect((err as Error).message).toMatch(/0002_b\.sql/)
    expect((err as Error).message).toMatch(/checksum/)
    // Nothing after the refusal ran.
    expect((await ledgerRows(f.ledger)).map((r) => r.name)).toEqual(['0001_a.sql', '0002_b.sql'])
  })

  it('reads CRLF line endings as LF, so a checkout on Windows is not a changed file', async () => {
    const f = await fixture({ '0001_a.sql': `create schema $S;\ncreate table $S.t (id int);\n` })
    await migrate(db.sql, f)
    await writeFile(join(f.dir, '0001_a.sql'), `create schema ${f.schema};\r\ncreate table ${f.schema}.t (id int);\r\n`)
    expect((await migrate(db.sql, f)).applied).toEqual([])
  })

  it('rolls a failing file back and does not record it; later files wait for the fix', async () => {
    const f = await fixture({
      '0001_ok.sql': `create schema $S;`,
      '0002_bad.sql': `create table $S.half (id int);\ninsert into $S.half values (1);\nselect 1/0;`,
      '0003_later.sql': `create table $S.later (id int);`,
    })
    const err = await migrate(db.sql, f).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(MigrationError)
    expect((err as Error).message).toMatch(/0002_bad\.sql failed.*division by zero/)
    expect((await ledgerRows(f.ledger)).map((r) => r.name)).toEqual(['0001_ok.sql'])
    const [exists] = await db.sql`select to_regclass(${`${f.schema}.half`}) as half, to_regclass(${`${f.schema}.later`}) as later`
    expect(exists).toEqual({ half: null, later: null })

    await writeFile(join(f.dir, '0002_bad.sql'), `create table ${f.schema}.half (id int);`)
    expect((await migrate(db.sql, f)).applied.map((a) => a.name)).toEqual(['0002_bad.sql', '0003_later.sql'])
  })

  it('sets lock_timeout locally in each file and leaves the session setting alone', async () => {
    const f = await fixture({
      '0001_a.sql': `create schema $S; create table $S.seen as select current_setting('lock_timeout') as value;`,
    })
    const [before] = await db.sql`select current_setting('lock_timeout') as value`
    await migrate(db.sql, { ...f, lockTimeout: '3s' })
    expect(await db.sql.unsafe(`select value from ${f.schema}.seen`)).toEqual([{ value: '3s' }])
    expect(await db.sql`select current_setting('lock_timeout') as value`).toEqual([before])
  })

  it('runs a no-transaction file statement by statement (CREATE INDEX CONCURRENTLY)', async () => {
    const f = await fixture({
      '0001_table.sql': `create schema $S; create table $S.t (id int, note text); insert into $S.t select g, 'a;b' from generate_series(1, 100) g;`,
      '0002_index.sql': [
        '-- org-proxy: no-transaction',
        '-- A semicolon in a comment; does not split.',
        `drop index concurrently if exists $S.t_id;`,
        `create index concurrently if not exists t_id on $S.t (id);`,
        `do $$ begin perform 1; end $$;`,
        `create table $S.seen as select current_setting('lock_timeout') as value, ';' as semi;`,
      ].join('\n'),
    })
    const summary = await migrate(db.sql, { ...f, lockTimeout: '4s' })
    expect(summary.applied.map((a) => [a.name, a.transactional])).toEqual([
      ['0001_table.sql', true],
      ['0002_index.sql', false],
    ])
    const [index] = await db.sql`
      select i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid
      join pg_namespace s on s.oid = c.relnamespace where c.relname = 't_id' and s.nspname = ${f.schema}`
    expect(index).toEqual({ valid: true })
    expect(await db.sql.unsafe(`select value, semi from ${f.schema}.seen`)).toEqual([{ value: '4s', semi: ';' }])
    const [after] = await db.sql`select current_setting('lock_timeout') as value`
    expect(after?.value).not.toBe('4s')
  })

  it('does not record a no-transaction file whose statement fails, and names the statement', async () => {
    const f = await fixture({
      '0001_a.sql': `-- org-proxy: no-transaction\ncreate schema if not exists $S;\nselect no_such_function();\n`,
    })
    const err = await migrate(db.sql, f).catch((e: unknown) => e)
    expect((err as Error).message).toMatch(/0001_a\.sql failed \(statement 2 of 2/)
    expect(await ledgerRows(f.ledger)).toEqual([])
  })

  it('lets two runners on two clients start together: each file runs once, no error', async () => {
    const f = await fixture({
      '0001_a.sql': `create schema $S; create table $S.runs (n int);`,
      '0002_b.sql': `insert into $S.runs values (2); select pg_sleep(0.2);`,
      '0003_c.sql': `-- org-proxy: no-transaction\ncreate index concurrently runs_n on $S.runs (n);\ninsert into $S.runs values (3);`,
      '0004_d.sql': `insert into $S.runs values (4);`,
    })
    const other = postgres(db.url, { max: 2, onnotice: () => {} })
    try {
      const [a, b] = await Promise.all([migrate(db.sql, f), migrate(other, f)])
      expect([...a.applied, ...b.applied].map((x) => x.name).sort()).toEqual([
        '0001_a.sql',
        '0002_b.sql',
        '0003_c.sql',
        '0004_d.sql',
      ])
      expect(a.applied.length === 0 || b.applied.length === 0).toBe(true)
      expect((await ledgerRows(f.ledger)).map((r) => r.name)).toEqual(['0001_a.sql', '0002_b.sql', '0003_c.sql', '0004_d.sql'])
      expect(await db.sql.unsafe(`select n from ${f.schema}.runs order by n`)).toEqual([{ n: 2 }, { n: 3 }, { n: 4 }])
    } finally {
      await other.end()
    }
  })

  it.skipIf(!process.env.DATABASE_URL)('waits while another session holds the lock, then finds nothing to do', async () => {
    const f = await fixture({ '0001_a.sql': `create schema $S;` })
    await migrate(db.sql, f)
    await writeFile(join(f.dir, '0002_b.sql'), `create table ${f.schema}.t (id int);`)
    // Another process's runner, as seen from here: a session holding the runner's advisory lock.
    const holder = await db.sql.reserve()
    await holder`select pg_advisory_lock(${MIGRATION_LOCK_CLASS}, hashtext(${f.ledger}))`
    const lines: string[] = []
    const running = migrate(db.sql, { ...f, log: (l) => lines.push(l) })
    await new Promise((r) => setTimeout(r, 500))
    expect(lines.some((l) => l.includes('waiting'))).toBe(true)
    expect(await ledgerRows(f.ledger)).toHaveLength(1)
    // The other runner applies the file and lets go.
    await holder.unsafe(`create table ${f.schema}.t (id int)`)
    const [file] = (await readMigrations(f.dir)).filter((m) => m.name === '0002_b.sql')
    await holder.unsafe(`insert into ${f.ledger} (name, checksum, duration_ms) values ($1, $2, 0)`, [file!.name, file!.checksum])
    await holder`select pg_advisory_unlock(${MIGRATION_LOCK_CLASS}, hashtext(${f.ledger}))`
    holder.release()
    const summary = await running
    expect(summary.applied).toEqual([])
    expect(summary.waitedMs).toBeGreaterThan(300)
  })

  it('reports ledger rows with no file (a newer release ran them) without failing', async () => {
    const f = await fixture({ '0001_a.sql': `create schema $S;`, '0002_b.sql': `create table $S.t (id int);` })
    await migrate(db.sql, f)
    await rm(join(f.dir, '0002_b.sql'))
    const summary = await migrate(db.sql, f)
    expect(summary.unknown).toEqual(['0002_b.sql'])
  })

  it('refuses misnamed files and unqualified ledgers', async () => {
    const f = await fixture({ '1_short.sql': `select 1;` })
    await expect(migrate(db.sql, f)).rejects.toThrow(/NNNN_name\.sql: 1_short\.sql/)
    await expect(migrate(db.sql, { dir: f.dir, ledger: 'schema_migrations' })).rejects.toThrow(/schema-qualified/)
  })

  it("applies the proxy's migrations and the legacy baseline from the repository, whatever the cwd", async () => {
    const cwd = process.cwd()
    process.chdir(tmpdir())
    try {
      // The legacy tables first: later proxy migrations extend them.
      const legacy = await applyLegacyBaseline(db.sql)
      expect(legacy.applied.map((a) => a.name)).toEqual(['0001_gp_api_baseline.sql'])
      const proxy = await migrateProxy(db.sql)
      expect(proxy.applied.map((a) => a.name)).toContain('0001_proxy_schema.sql')
    } finally {
      process.chdir(cwd)
    }
    const [schema] = await db.sql`select count(*)::int as n from pg_namespace where nspname = 'org_proxy'`
    expect(schema).toEqual({ n: 1 })
    const tables = await db.sql`select to_regclass('public.user') is not null as ok, to_regclass('voter_file_filter') is not null as ok2`
    expect(tables).toEqual([{ ok: true, ok2: true }])
    expect((await migrateProxy(db.sql)).applied).toEqual([])
    expect((await applyLegacyBaseline(db.sql)).applied).toEqual([])
  })
})
