// Mismatches by cause: per field path (signature key, with its noise counterpart) and per group (the
// whole signature: what triage marks), with example comparison ids, plus the stored diffs of those
// examples and which "fixed" groups a replay has since confirmed.
import type { Sql } from 'postgres'
import type { StoredComparison } from '../compare/index.js'
import { TRAFFIC, type Origin } from './queries.js'
import { whereOf, type ReviewFilter } from './window.js'

export type FieldCount = { route: string; key: string; raw: number; noise: number; examples: number[] }

/** Per route and signature key: mismatched traffic comparisons and noise comparisons that contain it. */
export async function fieldCounts(sql: Sql, f: ReviewFilter): Promise<FieldCount[]> {
  const rows = await sql<{ route: string; key: string; raw: number; noise: number; examples: string[] | null }[]>`
    select c.route, k.key,
      count(*) filter (where c.origin in ${sql(TRAFFIC as Origin[])})::int as raw,
      count(*) filter (where c.origin = 'noise')::int as noise,
      (array_agg(c.id order by c.id desc) filter (where c.origin in ${sql(TRAFFIC as Origin[])}))[1:3] as examples
    from org_proxy.comparison c, unnest(c.signature_keys) as k(key)
    where ${whereOf(sql, f)} and c.outcome = 'mismatch' and c.origin in ('shadow', 'verify', 'noise')
    group by c.route, k.key`
  return rows.map((r) => ({ route: r.route, key: r.key, raw: r.raw, noise: r.noise, examples: (r.examples ?? []).map(Number) }))
}

export type GroupCount = {
  route: string
  signature: string
  keys: string[]
  outcome: 'mismatch' | 'expected'
  count: number
  orgs: number
  firstAt: Date
  lastAt: Date
  examples: number[]
}

/** Traffic comparisons grouped by signature, mismatches and expected differences apart, largest first. */
export async function groupCounts(sql: Sql, f: ReviewFilter, perRoute = 20): Promise<GroupCount[]> {
  const rows = await sql<(Omit<GroupCount, 'examples'> & { examples: string[] })[]>`
    select * from (
      select c.route, c.signature, c.signature_keys as keys, c.outcome,
        count(*)::int as count, count(distinct c.organization_id)::int as orgs,
        min(c.at) as "firstAt", max(c.at) as "lastAt",
        (array_agg(c.id order by c.id desc))[1:3] as examples,
        row_number() over (partition by c.route, c.outcome order by count(*) desc, c.signature) as rank
      from org_proxy.comparison c
      where ${whereOf(sql, f)} and c.origin in ${sql(TRAFFIC as Origin[])}
        and c.outcome in ('mismatch', 'expected') and c.signature is not null
      group by c.route, c.signature, c.signature_keys, c.outcome
    ) g
    where g.rank <= ${perRoute}
    order by g.route, g.outcome desc, g.count desc`
  return rows.map(({ examples, ...g }) => ({ ...g, keys: g.keys ?? [], examples: examples.map(Number) }))
}

export type Example = {
  id: number
  at: Date
  origin: Origin
  outcome: string
  method: string
  path: string
  query: string
  organizationId: string | null
  legacyStatus: number | null
  newStatus: number | null
  /** The stored, redacted diff: the only form the review ever shows. */
  diff: StoredComparison | null
}

/** The stored diffs of the given comparisons (examples of groups and fields). */
export async function examples(sql: Sql, ids: readonly number[]): Promise<Map<number, Example>> {
  if (!ids.length) return new Map()
  const rows = await sql<{ id: string; at: Date; origin: Origin; outcome: string; method: string; path: string; query: string; organization_id: string | null; legacy_status: number | null; new_status: number | null; differences: StoredComparison | null }[]>`
    select id, at, origin, outcome, method, path, query, organization_id, legacy_status, new_status, differences
    from org_proxy.comparison where id in ${sql(ids.map(String))}`
  return new Map(
    rows.map((r) => [
      Number(r.id),
      {
        id: Number(r.id), at: r.at, origin: r.origin, outcome: r.outcome, method: r.method, path: r.path, query: r.query,
        organizationId: r.organization_id, legacyStatus: r.legacy_status, newStatus: r.new_status, diff: r.differences,
      },
    ]),
  )
}

export type ReplayVerdict = { route: string; signature: string; runId: number; startedAt: Date; requestedAt: Date; total: number; ok: number }

/**
 * What the newest finished replay said of each group it re-ran: how many of that group's requests
 * it replayed and how many now match (or differ only as expected).
 */
export async function replayVerdicts(sql: Sql, route?: string): Promise<Map<string, ReplayVerdict>> {
  const rows = await sql<{ route: string; signature: string; run_id: string; started_at: Date; requested_at: Date; total: number; ok: number }[]>`
    select distinct on (i.route, i.was_signature) i.route, i.was_signature as signature, r.id as run_id, r.started_at, r.requested_at,
      count(*) over (partition by r.id, i.route, i.was_signature)::int as total,
      count(*) filter (where i.outcome in ('match', 'expected')) over (partition by r.id, i.route, i.was_signature)::int as ok
    from org_proxy.replay_item i join org_proxy.replay_run r on r.id = i.run_id
    where r.status = 'done' and i.was_signature is not null ${route ? sql`and i.route = ${route}` : sql``}
    order by i.route, i.was_signature, r.id desc`
  return new Map(
    rows.map((r) => [
      `${r.route}\u0000${r.signature}`,
      { route: r.route, signature: r.signature, runId: Number(r.run_id), startedAt: r.started_at, requestedAt: r.requested_at, total: r.total, ok: r.ok },
    ]),
  )
}
