// The contract steps' repeated DDL, written once, the way a busy table allows.
//
// SET NOT NULL, for any column a contract step makes mandatory: a CHECK …
// NOT VALID is added (brief lock, no scan), then VALIDATEd (a scan under SHARE UPDATE EXCLUSIVE: reads
// and writes go on), then SET NOT NULL (brief ACCESS EXCLUSIVE, no scan: PostgreSQL 12+ trusts the valid
// check), then the check is dropped. The runner runs each statement in its own transaction with
// lock_timeout; each is written to be repeatable after a failure.

/** A column of the public schema: named in code, never from input, and checked before it is spliced in. */
export type NotNullColumn = { table: string; column: string }

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/

/** @example notNullStatements({ table: 'campaign', column: 'organization_id' }) // four statements */
export function notNullStatements({ table, column }: NotNullColumn): string[] {
  if (!IDENTIFIER.test(table) || !IDENTIFIER.test(column)) throw new Error(`not a plain identifier: ${table}.${column}`)
  const rel = `'public.${table}'::regclass`
  const check = `${table}_${column}_not_null`
  return [
    `DO $$
BEGIN
  IF NOT (SELECT attnotnull FROM pg_attribute WHERE attrelid = ${rel} AND attname = '${column}')
     AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = ${rel} AND conname = '${check}') THEN
    ALTER TABLE public.${table} ADD CONSTRAINT ${check} CHECK (${column} IS NOT NULL) NOT VALID;
  END IF;
END $$`,
    `DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = ${rel} AND conname = '${check}') THEN
    ALTER TABLE public.${table} VALIDATE CONSTRAINT ${check};
  END IF;
END $$`,
    `ALTER TABLE public.${table} ALTER COLUMN ${column} SET NOT NULL`,
    `ALTER TABLE public.${table} DROP CONSTRAINT IF EXISTS ${check}`,
  ]
}

/** A foreign key (ON DELETE CASCADE) of a public column onto another table's id, and the column's index. */
export type ForeignKeyColumn = NotNullColumn & { references: string }

/**
 * A foreign key put back by a rollback: added NOT VALID (brief lock, no scan), VALIDATEd (a scan under
 * SHARE UPDATE EXCLUSIVE: reads and writes go on), and the column's index. An emergency path: the index
 * is built in one statement, not CONCURRENTLY (the runner runs each statement in a transaction).
 * @example foreignKeyStatements({ table: 'elected_office', column: 'campaign_id', references: 'campaign' })
 */
export function foreignKeyStatements({ table, column, references }: ForeignKeyColumn): string[] {
  for (const name of [table, column, references]) if (!IDENTIFIER.test(name)) throw new Error(`not a plain identifier: ${name}`)
  const key = `${table}_${column}_fkey`
  return [
    `DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'public.${table}'::regclass AND conname = '${key}') THEN
    ALTER TABLE public.${table} ADD CONSTRAINT ${key}
      FOREIGN KEY (${column}) REFERENCES public.${references}(id) ON DELETE CASCADE NOT VALID;
  END IF;
END $$`,
    `ALTER TABLE public.${table} VALIDATE CONSTRAINT ${key}`,
    `CREATE INDEX IF NOT EXISTS ${table}_${column}_idx ON public.${table} (${column})`,
  ]
}
