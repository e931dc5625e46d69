// Path-to-victory rows (L2 district and vote goals, messy like the campaign details) and elected
// offices of the generated data set.
import type { Queryable } from '../db/index.js'
import { CITIES, COUNTIES, OFFICES } from './catalogue.js'
import type { Dice } from './dice.js'
import type { Chunk, Predicates } from './plan.js'

/**
 * A P2V row for about 80% of the chunk's campaigns; ids in campaign order from the chunk's base. A
 * complete row's data comes from the campaign's variant (plan.ts), so its district matches the office
 * the campaign's details name.
 */
export async function insertPathsToVictory(tx: Queryable, d: Dice, p: Predicates, chunk: Chunk, seed: number): Promise<number> {
  const { roll, pick, member, object } = d
  const l2Types = OFFICES.map((o) => o.l2Type)
  const locations = OFFICES.map((o) => o.location)
  const complete = object([
    tx`',"p2vStatus":"Complete","p2vCompleteDate":"' || to_char(started + ${roll('v', 'p2v_done', 40)} * interval '1 day', 'YYYY-MM-DD') || '"'`,
    member('v', 'electionType', tx`l2_type`, 'string', { missing: 5, nulls: 3, empty: 3 }),
    member('v', 'electionLocation', tx`case when ${roll('v', 'location_case', 50)} = 0 then lower(location) else location end`, 'string', { missing: 5, nulls: 3, empty: 2 }),
    // The same district always gets the same id.
    member('v', 'districtId', tx`md5(${String(seed)} || ':' || l2_type || ':' || location)::uuid`, 'string', { missing: 15, nulls: 5, empty: 2 }),
    member('v', 'districtManuallySet', tx`${roll('v', 'manual', 5)} = 0`, 'boolean', { missing: 45, asString: 5 }),
    member('v', 'source', pick('v', 'source', ['ElectionApi', 'ElectionApi', 'GpApi', 'Manual']), 'string', { missing: 20, nulls: 2 }),
    member('v', 'winNumber', tx`win`, 'number', { missing: 2, nulls: 3, asString: 15 }),
    member('v', 'voterContactGoal', tx`win * 5`, 'number', { missing: 5, nulls: 2, asString: 10 }),
    member('v', 'projectedTurnout', tx`win * 2 - 1`, 'number', { missing: 5, nulls: 3, asString: 10 }),
    member('v', 'totalRegisteredVoters', tx`win * 6 + ${roll('v', 'registered', 1000)}`, 'number'),
    member('v', 'democrats', tx`win + ${roll('v', 'dems', 1000)}`, 'number'),
    member('v', 'republicans', tx`win + ${roll('v', 'reps', 1000)}`, 'number'),
    member('v', 'indies', tx`win / 2 + ${roll('v', 'indies', 500)}`, 'number'),
  ])
  const result = await tx`
    with district as (
      select v,
        (${l2Types}::text[])[o] as l2_type,
        replace(replace(replace(replace((${locations}::text[])[o],
          '{CITY}', city), '{COUNTY}', county), '{NNN}', lpad(dno::text, 3, '0')), '{N}', dno::text) as location,
        started, win
      from (
        select v,
          1 + ${roll('v', 'office', OFFICES.length)} as o,
          ${pick('v', 'city', CITIES)} as city,
          ${pick('v', 'county', COUNTIES)} as county,
          1 + ${roll('v', 'district_no', 60)} as dno,
          50 + ${roll('v', 'win_number', 20_000)} as win,
          -- The completion date of the variant's document; the rows' own dates come from their campaigns.
          timestamp '2022-06-01' + ${roll('v', 'p2v_started', 900)} * interval '1 day' as started
        from generate_series(0, ${p.variants - 1}::int) as v
      ) as picked
    ), variant as materialized (
      select v, ${complete} as data from district
    ), c as (
      -- Ids are numbered here, on narrow rows, so the window's sort never carries the wide JSON.
      select ${chunk.p2vBase}::int + row_number() over (order by c.id) as id,
        c.id as campaign_id, c.user_id as k, ${p.variant('c.user_id')} as v, c.created_at as started,
        ${roll('c.user_id', 'p2v_status', 100)} as status
      from campaign c
      where c.user_id between ${chunk.lo} and ${chunk.hi} and ${p.hasPathToVictory('c.user_id')}
    )
    insert into path_to_victory (id, campaign_id, data, created_at, updated_at)
    select
      c.id,
      campaign_id,
      case
        when status < 8 then '{"p2vStatus":"Waiting"}'::jsonb
        when status < 12 then ('{"p2vStatus":"Failed","p2vAttempts":' || 1 + ${roll('k', 'attempts', 3)} || '}')::jsonb
        when status < 14 then '{}'::jsonb
        else variant.data end,
      c.started + interval '1 hour',
      c.started + (1 + ${roll('k', 'p2v_updated', 200)}) * interval '1 day'
    from c join variant using (v)`
  return result.count
}

/**
 * Elected offices for about 10% of users (those with a campaign): the current term, active for 92% of
 * them, and for 15% an earlier, inactive term too, so at most one office per user is active. Ids are
 * UUIDv7-shaped (time-ordered by created_at) and deterministic.
 */
export async function insertElectedOffices(tx: Queryable, d: Dice, p: Predicates, { lo, hi }: Chunk, seed: number): Promise<number> {
  const { roll } = d
  const result = await tx`
    with holder as (
      select c.id as campaign_id, c.user_id, t.term, c.user_id::bigint * 4 + t.term as k,
        date '2020-11-03' + ${roll('c.user_id', 'elected', 1800)} as latest
      from campaign c
      cross join (values (1), (2)) as t(term)
      where c.user_id between ${lo} and ${hi} and ${p.holdsOffice('c.user_id')}
        and (t.term = 1 or ${roll('c.user_id', 'earlier_term', 100)} < 15)
    ), term as (
      select holder.*,
        case when term = 1 then latest else latest - (730 + ${roll('k', 'gap', 730)}) end as elected,
        case when ${roll('k', 'four_years', 3)} = 0 then 730 else 1461 end as days
      from holder
    ), dated as (
      select term.*,
        elected + 1 + ${roll('k', 'recorded', 20)} + ${roll('k', 'recorded_at', 86_400)} * interval '1 second' as created,
        md5(${String(seed)} || ':eo:' || k) as h
      from term
    )
    insert into elected_office (id, "electedDate", "swornInDate", "termStartDate", "termEndDate", "termLengthDays",
      "isActive", user_id, campaign_id, created_at, updated_at)
    select
      (lpad(to_hex((extract(epoch from created) * 1000)::bigint), 12, '0') || '7' || substr(h, 1, 3)
        || substr('89ab', 1 + ${roll('k', 'variant', 4)}, 1) || substr(h, 4, 15))::uuid,
      elected,
      case when ${roll('k', 'sworn', 10)} < 2 then null else elected + 30 + ${roll('k', 'sworn_day', 40)} end,
      case when ${roll('k', 'start', 4)} = 0 then null else elected + 60 end,
      case when ${roll('k', 'end', 10)} < 3 then null else elected + 60 + days end,
      case when ${roll('k', 'length', 10)} < 4 then null else days end,
      term = 1 and ${roll('k', 'eo_active', 100)} < 92,
      user_id,
      campaign_id,
      created,
      created + ${roll('k', 'eo_updated', 100)} * interval '1 day'
    from dated`
  return result.count
}
