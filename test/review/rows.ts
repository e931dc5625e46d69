// Synthetic comparison rows for the report and gate tests: the columns the engine's recorder writes,
// with defaults for a matching shadow comparison, so each test states only what it is about.
import type postgres from 'postgres'
import { signatureOf } from '../../src/compare/index.js'
import type { OutcomeRecord } from '../../src/recording/index.js'

export const ORG = (n: number) => `0190a000-0000-7000-8000-${String(n).padStart(12, '0')}`

export type Row = Partial<OutcomeRecord> & { at?: Date }

/** One row per entry; `keys` sets the signature keys (and a stored diff naming them). */
export async function insertRows(sql: postgres.Sql, rows: (Row & { keys?: string[] })[]): Promise<number[]> {
  if (!rows.length) return []
  const values = rows.map(({ keys, ...r }) => {
    const signature = keys?.length ? signatureOf(keys) : null
    const differences = keys?.length
      ? {
          outcome: r.outcome ?? 'mismatch', signature, signatureKeys: keys, differenceCount: keys.length, omittedDifferences: 0,
          differences: keys.map((k) => {
            const [path, kind] = k.split(':')
            return { path, pattern: path, kind, legacyType: 'string', newType: 'string', legacyValue: 'legacy value', newValue: 'new value' }
          }),
        }
      : null
    return {
      at: r.at ?? new Date(),
      route: r.route ?? 'test.route',
      flag: r.flag ?? 'org.reads',
      stage: r.stage ?? 'shadow',
      origin: r.origin ?? 'shadow',
      outcome: r.outcome ?? (keys?.length ? 'mismatch' : 'match'),
      skip_cause: r.skip_cause ?? null,
      legacy_status: r.legacy_status ?? 200,
      new_status: r.new_status ?? 200,
      legacy_ms: r.legacy_ms ?? 10,
      new_ms: r.new_ms ?? 8,
      organization_id: r.organization_id === undefined ? ORG(1) : r.organization_id,
      user_id: r.user_id ?? 1,
      method: r.method ?? 'GET',
      path: r.path ?? '/v1/test',
      query: r.query ?? '',
      request_id: r.request_id ?? null,
      signature: r.signature ?? signature,
      signature_keys: r.signature_keys ?? keys ?? null,
      differences: differences ? sql.json(differences) : null,
      error: r.error ?? null,
    }
  })
  const out: { id: string }[] = []
  for (let i = 0; i < values.length; i += 500) {
    out.push(...(await sql<{ id: string }[]>`insert into org_proxy.comparison ${sql(values.slice(i, i + 500))} returning id`))
  }
  return out.map((r) => Number(r.id))
}

/** `n` copies of a row, each for its own organization (1…n) unless the row names one. */
export const times = (n: number, row: Row & { keys?: string[] }, orgOffset = 0) =>
  Array.from({ length: n }, (_, i) => ({ organization_id: ORG(orgOffset + i + 1), ...row }))
