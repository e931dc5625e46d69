// SET NOT NULL the way a busy table allows, for any column a contract step makes mandatory: a CHECK …
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
