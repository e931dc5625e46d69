// The users and campaigns of the generated data set, with campaign.details as messy as gp-api's real
// rows: BR keys missing, null, "" or numbers written as strings, "Other" offices, no office at all.
import type { Queryable } from '../db/index.js'
import { CITIES, FIRST_NAMES, LAST_NAMES, OCCUPATIONS, OFFICES, OTHER_OFFICES, PARTIES, STATES } from './catalogue.js'
import type { Dice, Fragment, MessyShape } from './dice.js'
import type { Chunk, Predicates } from './plan.js'

const MAIL_DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example.com'] as const
// BallotReady ids: numbers, a quarter of them stored as strings by older web app versions.
const ID_SHAPE: MessyShape = { missing: 4, nulls: 4, empty: 3, asString: 25 }
const GENERAL_ELECTIONS = ['2024-11-05', '2025-11-04', '2026-11-03'] as const

/** Users `lo..hi` (ids are the row numbers). User 1 is always an admin, so every data set has one. */
export async function insertUsers(tx: Queryable, { roll, pick }: Dice, { lo, hi }: Chunk): Promise<number> {
  const result = await tx`
    with person as (
      select k,
        ${pick('k', 'first', FIRST_NAMES)} as first,
        ${pick('k', 'last', LAST_NAMES)} as last,
        timestamp '2022-01-01' + ${roll('k', 'joined', 1_000_000)} * interval '1 minute' as joined
      from generate_series(${lo}::bigint, ${hi}::bigint) as k
    )
    insert into "user" (id, email, "firstName", "lastName", name, phone, zip, roles, "metaData", created_at, updated_at)
    select k,
      -- Unique by the row number, accents folded; a few keep the capitals people typed.
      case when ${roll('k', 'email_case', 100)} < 5 then translate(first || '.' || last, ${"Śśéë '"}, 'Ssee')
           else lower(translate(first || '.' || last, ${"Śśéë '"}, 'Ssee')) end || k || '@' || ${pick('k', 'mail', MAIL_DOMAINS)},
      case ${roll('k', 'first_shape', 50)} when 0 then null when 1 then '' else first end,
      last,
      case ${roll('k', 'name_shape', 20)} when 0 then null when 1 then upper(first || ' ' || last)
           when 2 then first || '  ' || last || ' ' else first || ' ' || last end,
      case ${roll('k', 'phone_shape', 10)} when 0 then null when 1 then null when 2 then ''
           when 3 then '(555) ' || lpad(${roll('k', 'phone', 10_000_000)}::text, 7, '0')
           else '555' || lpad(${roll('k', 'phone', 10_000_000)}::text, 7, '0') end,
      case when ${roll('k', 'zip_shape', 10)} < 2 then null else lpad(${roll('k', 'zip', 100_000)}::text, 5, '0') end,
      case when k = 1 then array['admin']
           else (case ${roll('k', 'role', 200)}
             when 0 then array['admin'] when 1 then array['sales'] when 2 then array['sales']
             when 3 then array['demo'] when 4 then array['campaignManager'] when 5 then array['candidate', 'campaignManager']
             else array['candidate'] end) end,
      case when ${roll('k', 'meta', 10)} < 3 then null
           else jsonb_build_object(
             'lastVisited', (extract(epoch from joined) * 1000)::bigint + ${roll('k', 'visited', 1_000_000)}::bigint * 60000,
             'isSmsVerified', ${roll('k', 'sms', 3)} = 0,
             'accountType', 'individual') end,
      joined,
      joined + ${roll('k', 'touched', 400)} * interval '1 day'
    from person`
  return result.count
}

/**
 * One campaign for about 95% of the chunk's users; ids follow the user order from the chunk's base.
 * details and data come from the variant pool (see plan.ts), built by the rules below per variant.
 */
export async function insertCampaigns(tx: Queryable, d: Dice, p: Predicates, chunk: Chunk, seed: number): Promise<number> {
  const { roll, pick, member, object, concat } = d
  const levels = OFFICES.map((o) => o.level)
  const offices = OFFICES.map((o) => o.office)
  const election = tx`(case when ${roll('v', 'election_kind', 10)} < 6
      then (${GENERAL_ELECTIONS as unknown as string[]}::date[])[1 + ${roll('v', 'cycle', 3)}]
      else date '2024-02-01' + ${roll('v', 'election_day', 1000)} end)`
  const day = (offset: Fragment) => tx`to_char(${election} - ${offset}, 'YYYY-MM-DD')`
  const br = [
    member('v', 'positionId', tx`case when other then null else 1000 + ${roll('v', 'position', 300_000)} end`, 'number', ID_SHAPE),
    member('v', 'electionId', tx`100 + ${roll('v', 'election', 5_000)}`, 'number', ID_SHAPE),
    member('v', 'raceId', tx`case when other then null else 5000 + ${roll('v', 'race', 900_000)} end`, 'number', ID_SHAPE),
    member('v', 'state', tx`case when ${roll('v', 'state_case', 100)} < 3 then lower(st) else st end`, 'string', { missing: 3, nulls: 2, empty: 2 }),
    member('v', 'office', tx`case when other then 'Other' else (${offices}::text[])[o] end`, 'string', { missing: 2, nulls: 2, empty: 1 }),
    // otherOffice goes with "Other"; 3% of the others keep a stale one from an earlier pick.
    tx`case when other or ${roll('v', 'stale_other', 100)} < 3
      then ${member('v', 'otherOffice', pick('v', 'other_office', OTHER_OFFICES), 'string', { missing: 5, nulls: 5, empty: 10 })}
      else '' end`,
    member('v', 'ballotLevel', tx`case when ${roll('v', 'level_case', 100)} < 3 then lower((${levels}::text[])[o]) else (${levels}::text[])[o] end`, 'string', { missing: 4, nulls: 3, empty: 2 }),
    member('v', 'officeTermLength', pick('v', 'term', ['2 years', '4 years', '4 years', '6 years']), 'string', { missing: 10, nulls: 3, empty: 2 }),
    member('v', 'electionDate', tx`case when ${roll('v', 'date_format', 50)} = 0 then to_char(${election}, 'MM/DD/YYYY') else to_char(${election}, 'YYYY-MM-DD') end`, 'string', { missing: 4, nulls: 3, empty: 3 }),
    member('v', 'primaryElectionDate', day(tx`(60 + ${roll('v', 'primary', 120)})`), 'string', { missing: 40, nulls: 10, empty: 3 }),
    member('v', 'partisanType', pick('v', 'partisan', ['partisan', 'nonpartisan', 'nonpartisan']), 'string', { missing: 15, nulls: 5, empty: 2 }),
    member('v', 'filingPeriodsStart', day(tx`(150 + ${roll('v', 'filing', 60)})`), 'string', { missing: 30, nulls: 5, empty: 2 }),
    member('v', 'filingPeriodsEnd', day(tx`(100 + ${roll('v', 'filing', 60)})`), 'string', { missing: 30, nulls: 5, empty: 2 }),
  ]
  // Keys that are not BR fields: they stay on Campaign whatever the migration does.
  const other = [
    member('v', 'pledged', tx`${roll('v', 'pledged', 10)} < 9`, 'boolean', { missing: 10 }),
    member('v', 'party', pick('v', 'party', PARTIES), 'string', { missing: 20 }),
    member('v', 'zip', tx`lpad(${roll('v', 'zip', 100_000)}::text, 5, '0')`, 'string', { missing: 30 }),
    member('v', 'city', tx`initcap(${pick('v', 'city', CITIES)})`, 'string', { missing: 60 }),
    member('v', 'knowRun', tx`'yes'`, 'string', { missing: 40 }),
    member('v', 'runForOffice', pick('v', 'runfor', ['yes', 'no', 'not sure']), 'string', { missing: 50 }),
    member('v', 'occupation', pick('v', 'occupation', OCCUPATIONS), 'string', { missing: 40 }),
    tx`case when pro_roll < 32 and ${roll('v', 'sub', 10)} < 9
      then ',"subscriptionId":"sub_' || substr(md5(${String(seed)} || ':sub:' || v), 1, 14) || '"' else '' end`,
    tx`case when ${roll('v', 'issues', 4)} = 0
      then ',"customIssues":[{"title":"Housing","position":"Build more homes"},{"title":"Roads","position":"Fix the potholes"}]'
      else '' end`,
    tx`case when ${roll('v', 'geo', 2)} = 0
      then ',"geoLocation":{"lat":' || (2500 + ${roll('v', 'lat', 2_300)}) / 100.0 || ',"lng":' || -(7000 + ${roll('v', 'lng', 5_000)}) / 100.0 || '}'
      else '' end`,
  ]
  const data = [
    member('v', 'launchStatus', tx`'launched'`, 'string', { missing: 30 }),
    member('v', 'currentStep', pick('v', 'step', ['onboarding-complete', 'registration', 'goals', 'details', 'pledge']), 'string'),
    member('v', 'hubspotId', tx`100000000 + ${roll('v', 'hubspot_id', 900_000_000)}`, 'string', { missing: 40 }),
  ]
  const result = await tx`
    with picked as (
      select v,
        1 + ${roll('v', 'office', OFFICES.length)} as o,
        ${pick('v', 'state', STATES)} as st,
        ${roll('v', 'chose_office', 100)} >= 10 as chose,
        ${roll('v', 'other', 100)} < 8 as other,
        ${p.variantProRoll('v')} as pro_roll
      from generate_series(0, ${p.variants - 1}::int) as v
    ), variant as materialized (
      select v, pro_roll,
        ${object([tx`(case when chose then ${concat(br)} else '' end)`, ...other])} as details,
        ${object(data)} as data
      from picked
    ), c as (
      -- Ids are numbered here, on narrow rows, so the window's sort never carries the wide JSON.
      select ${chunk.campaignBase}::int + row_number() over (order by u.id) as id,
        u.id as k, ${p.variant('u.id')} as v, u."firstName" as first, u."lastName" as last, u.created_at as joined, u.roles
      from "user" u
      where u.id between ${chunk.lo} and ${chunk.hi} and ${p.hasCampaign('u.id')}
    )
    insert into campaign (id, slug, "isActive", "isPro", "isDemo", "didWin", tier, data, details, user_id, created_at, updated_at)
    select
      c.id,
      -- Slugified as gp-api does (accents folded, spaces to dashes, quotes dropped); translate() costs a
      -- tenth of a regular expression. Unique by the user id.
      lower(translate(coalesce(nullif(first, ''), 'candidate') || '-' || last, ${" Śśéëó'"}, '-sseeo')) || '-' || k,
      ${roll('k', 'active', 10)} < 8,
      case when pro_roll < 30 then true when pro_roll < 32 then null else false end,
      'demo' = any(roles) or ${roll('k', 'demo', 100)} = 0,
      case ${roll('k', 'won', 10)} when 0 then true when 1 then false end,
      case ${roll('k', 'tier', 20)} when 0 then 'WIN' when 1 then 'WIN' when 2 then 'LOSE' when 3 then 'TOSSUP' when 4 then 'TOSSUP' end,
      variant.data,
      -- A few rows hold details double-encoded as a JSON string, as an old client bug wrote them.
      case when ${roll('k', 'double_encoded', 1000)} < 3 then to_jsonb(variant.details::text) else variant.details end,
      k,
      joined + ${roll('k', 'started', 720)} * interval '1 hour',
      joined + ${roll('k', 'started', 720)} * interval '1 hour' + ${roll('k', 'edited', 300)} * interval '1 day'
    from c join variant using (v)`
  return result.count
}
