// What a review looks at: a time window and optional route, flag and organization filters, parsed once
// from CLI flags or query strings and turned into one SQL condition that every report query shares.
import type { Sql } from 'postgres'

export type ReviewFilter = {
  since: Date
  until: Date
  route?: string
  flag?: string
  organizationId?: string
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export class FilterError extends Error {
  override name = 'FilterError'
}

/**
 * `90s`, `15m`, `1h`, `7d`, `2w` → milliseconds.
 * @example parseDuration('24h') // 86_400_000
 */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([smhdw])$/.exec(text.trim())
  if (!m) throw new FilterError(`not a duration: ${JSON.stringify(text)} (use 90s, 15m, 1h, 7d, 2w)`)
  return Number(m[1]) * UNITS[m[2]!]!
}

/** A moment: a duration ago (`1h`), an ISO date or timestamp, or `now`. */
export function parseMoment(text: string, now: Date): Date {
  if (text === 'now') return now
  if (/^\d+(?:\.\d+)?\s*[smhdw]$/.test(text.trim())) return new Date(now.getTime() - parseDuration(text))
  const d = new Date(text)
  if (Number.isNaN(d.getTime())) throw new FilterError(`not a time: ${JSON.stringify(text)} (use 1h, 2026-01-31 or an ISO timestamp)`)
  return d
}

/**
 * @example reviewFilter({ since: '1h', route: 'campaigns.mine' }) // the last hour of one route
 */
export function reviewFilter(
  input: { since?: string | undefined; until?: string | undefined; route?: string | undefined; flag?: string | undefined; org?: string | undefined },
  now = new Date(),
  defaultWindow = '24h',
): ReviewFilter {
  const until = input.until ? parseMoment(input.until, now) : now
  const since = input.since ? parseMoment(input.since, until) : new Date(until.getTime() - parseDuration(defaultWindow))
  if (since >= until) throw new FilterError(`the window is empty: since ${since.toISOString()} is not before until ${until.toISOString()}`)
  if (input.org && !UUID.test(input.org)) throw new FilterError(`--org must be an organization UUID, got ${JSON.stringify(input.org)}`)
  const f: ReviewFilter = { since, until }
  if (input.route) f.route = input.route
  if (input.flag) f.flag = input.flag
  if (input.org) f.organizationId = input.org.toLowerCase()
  return f
}

/** The shared condition on org_proxy.comparison (aliased `c`); every value is a parameter. */
export function whereOf(sql: Sql, f: ReviewFilter) {
  return sql`c.at >= ${f.since} and c.at < ${f.until}
    ${f.route ? sql`and c.route = ${f.route}` : sql``}
    ${f.flag ? sql`and c.flag = ${f.flag}` : sql``}
    ${f.organizationId ? sql`and c.organization_id = ${f.organizationId}` : sql``}`
}
