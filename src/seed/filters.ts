// Voter file filters ("segments") of the generated data set: 0–4 per campaign that may use them today
// (pro, or its user holds an office), plus a few left on campaigns that are no longer pro.
import { FILTER_BOOLEAN_FIELDS } from '../domain/index.js'
import type { Queryable } from '../db/index.js'
import { FILTER_NAMES } from './catalogue.js'
import type { Dice, Fragment } from './dice.js'
import type { Chunk, Predicates } from './plan.js'

/** The filters of the chunk's campaigns; ids in (campaign, ordinal) order from the chunk's base. */
export async function insertFilters(tx: Queryable, d: Dice, p: Predicates, chunk: Chunk): Promise<number> {
  const { roll, pick } = d
  // Each flag: unset on about half the filters, true on a third, false on the rest (one roll per flag).
  const flags = FILTER_BOOLEAN_FIELDS.map(
    (field) => tx`(case width_bucket(${roll('k', `flag:${field}`, 20)}, '{11,18}'::int[]) when 0 then null when 1 then true else false end)`,
  )
  const result = await tx`
    with eligible as (
      select c.id as campaign_id, c.created_at as started, ${p.filterCount('c.user_id')} as how_many
      from campaign c
      where c.user_id between ${chunk.lo} and ${chunk.hi}
    ), f as (
      select ${chunk.filterBase}::int + row_number() over (order by campaign_id, n.ord) as id,
        eligible.*, n.ord, eligible.campaign_id::bigint * 8 + n.ord as k
      from eligible
      cross join lateral generate_series(1, how_many) as n(ord)
    )
    insert into voter_file_filter (id, name, ${commaList(tx, FILTER_BOOLEAN_FIELDS.map((field) => tx`${tx(field)}`))},
      "languageCodes", "voterStatus", "incomeRanges", "voterCount", campaign_id, created_at, updated_at)
    select
      id,
      case when ${roll('k', 'unnamed', 30)} = 0 then null else ${pick('k', 'filter_name', FILTER_NAMES)} end,
      ${commaList(tx, flags)},
      case ${roll('k', 'languages', 20)} when 0 then array['en', 'es'] when 1 then array['es'] when 2 then array['en']
        when 3 then array['en'] when 4 then '{}'::text[] end,
      case ${roll('k', 'status', 10)} when 0 then array['Active'] when 1 then array['Active', 'Inactive'] end,
      case ${roll('k', 'income', 10)} when 0 then array['$25k-50k', '$50k-75k'] when 1 then array['$100k+'] end,
      case when ${roll('k', 'counted', 5)} = 0 then null else ${roll('k', 'voter_count', 20_000)} end,
      campaign_id,
      started + ord * interval '1 day' + ${roll('k', 'filter_at', 86_400)} * interval '1 second',
      started + ord * interval '1 day' + (86400 + ${roll('k', 'filter_edit', 8_640_000)}) * interval '1 second'
    from f`
  return result.count
}

function commaList(tx: Queryable, parts: Fragment[]): Fragment {
  return parts.reduce((list, part) => tx`${list}, ${part}`)
}
