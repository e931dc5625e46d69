// Triage marks on mismatch groups: *expected* (with a reason; becomes an expected-difference rule for
// later comparisons and for the report), *bug*, or *fixed* (a replay then checks it). Appended, never
// updated: a group's newest mark is its state and the older ones its history, each with who and when.
import type { Sql } from 'postgres'
import { compileRules, expectedRulesFor } from '../compare/index.js'

export const MARKS = ['expected', 'bug', 'fixed'] as const
export type Mark = (typeof MARKS)[number]

export type TriageMark = {
  id: number
  route: string
  signature: string
  signatureKeys: string[]
  mark: Mark
  reason: string | null
  markedBy: string
  markedAt: Date
}

export class TriageError extends Error {
  override name = 'TriageError'
}

type Row = { id: string; route: string; signature: string; signature_keys: string[]; mark: Mark; reason: string | null; marked_by: string; marked_at: Date }
const toMark = (r: Row): TriageMark => ({
  id: Number(r.id),
  route: r.route,
  signature: r.signature,
  signatureKeys: r.signature_keys,
  mark: r.mark,
  reason: r.reason,
  markedBy: r.marked_by,
  markedAt: r.marked_at,
})

/** The key of a group in the maps below. */
export const groupKey = (route: string, signature: string) => `${route}\u0000${signature}`

/**
 * Records a mark on a group that has comparisons; an expected mark must carry a reason and its keys
 * must make valid rules (checked here, so the engine never meets a rule it cannot compile).
 * @example await addMark(sql, { route: 'campaigns.mine', signature: 'a1b2c3d4e5f6', mark: 'expected', reason: 'upper-cased on purpose', by: 'alice' })
 */
export async function addMark(sql: Sql, input: { route: string; signature: string; mark: Mark; reason?: string | null; by: string }): Promise<TriageMark> {
  if (!MARKS.includes(input.mark)) throw new TriageError(`a mark is one of ${MARKS.join(', ')}, got ${JSON.stringify(input.mark)}`)
  const reason = input.reason?.trim() || null
  if (input.mark === 'expected' && !reason) throw new TriageError('an expected mark needs its reason: it becomes the reason of the rule')
  const [group] = await sql<{ signature_keys: string[] }[]>`
    select signature_keys from org_proxy.comparison
    where route = ${input.route} and signature = ${input.signature} and signature_keys is not null
    order by id desc limit 1`
  if (!group) throw new TriageError(`route ${input.route} has no comparisons with signature ${input.signature}`)
  if (input.mark === 'expected') {
    try {
      compileRules({ expected: expectedRulesFor(group.signature_keys, reason!) })
    } catch (err) {
      throw new TriageError(`this group's field paths do not make a rule: ${(err as Error).message}`)
    }
  }
  const [row] = await sql<Row[]>`
    insert into org_proxy.triage_mark ${sql({ route: input.route, signature: input.signature, signature_keys: group.signature_keys, mark: input.mark, reason, marked_by: input.by })}
    returning *`
  return toMark(row!)
}

/** Each group's newest mark (its state), keyed by groupKey(route, signature). */
export async function currentMarks(sql: Sql, route?: string): Promise<Map<string, TriageMark>> {
  const rows = await sql<Row[]>`
    select distinct on (route, signature) * from org_proxy.triage_mark
    ${route ? sql`where route = ${route}` : sql``}
    order by route, signature, id desc`
  return new Map(rows.map((r) => [groupKey(r.route, r.signature), toMark(r)]))
}

/** Every mark of a route's groups, newest first (the page shows who marked what and when). */
export async function markHistory(sql: Sql, route: string, limit = 200): Promise<TriageMark[]> {
  const rows = await sql<Row[]>`select * from org_proxy.triage_mark where route = ${route} order by id desc limit ${limit}`
  return rows.map(toMark)
}

/** The signature keys of every group whose current mark is *expected*, per route. */
export function expectedKeysByRoute(marks: Map<string, TriageMark>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>()
  for (const m of marks.values()) {
    if (m.mark !== 'expected') continue
    let set = out.get(m.route)
    if (!set) out.set(m.route, (set = new Set()))
    for (const k of m.signatureKeys) set.add(k)
  }
  return out
}
