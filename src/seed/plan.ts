// Which rows exist, decided by rolls on the user id alone, and the id ranges that follow: every chunk of
// users knows where its campaign, P2V and filter ids start without waiting for the chunks before it, so
// chunks can be written at the same time and still give the same ids.
import type { Queryable } from '../db/index.js'
import type { Dice, Fragment } from './dice.js'

/** The row decisions the inserts and the plan share; `key` is the column holding the user id. */
export type Predicates = {
  /** How many distinct campaign documents (details, data, P2V data) the data set draws from. */
  variants: number
  /** Which of them a user's campaign holds: 0 .. variants-1. */
  variant: (key: string) => Fragment
  hasCampaign: (key: string) => Fragment
  /** Of a campaign. */
  hasPathToVictory: (key: string) => Fragment
  /** 0..99: below 30 the campaign is pro, 30–31 isPro is NULL, else false. A property of the variant. */
  proRoll: (key: string) => Fragment
  /** The same, from the variant number (`key` holds it). */
  variantProRoll: (key: string) => Fragment
  /** Of a campaign: its user holds (or held) an elected office. */
  holdsOffice: (key: string) => Fragment
  /** Of a campaign: 0–4 filters when it may use segments (pro or office), and on 2% of the others. */
  filterCount: (key: string) => Fragment
}

/**
 * Campaign documents are drawn from a pool of at most 4,096 variants, each built by the same messy
 * rules: building a document is most of the cost of a campaign row (about 45 µs, measured), so a
 * million campaigns build 4,096 documents per chunk instead of a million. Real data repeats in the same
 * way (several candidates run for one position); small data sets (the demo, the tests) get one variant
 * per user.
 */
export const MAX_VARIANTS = 4096

export function predicates({ roll }: Dice, sql: Queryable, users: number): Predicates {
  const variants = Math.min(users, MAX_VARIANTS)
  const variant = (key: string) => roll(key, 'variant', variants)
  const variantProRoll = (key: string) => roll(key, 'pro', 100)
  const proRoll = (key: string) => roll(variant(key), 'pro', 100)
  const holdsOffice = (key: string) => sql`(${roll(key, 'holder', 1000)} < 105)`
  return {
    variants,
    variant,
    variantProRoll,
    hasCampaign: (key) => sql`(${roll(key, 'campaign', 100)} < 95)`,
    hasPathToVictory: (key) => sql`(${roll(key, 'p2v', 100)} < 80)`,
    proRoll,
    holdsOffice,
    filterCount: (key) => sql`(case
      when ${proRoll(key)} < 30 or ${holdsOffice(key)} or ${roll(key, 'downgraded', 100)} < 2
      then (case when ${roll(key, 'filters', 20)} < 8 then 0 when ${roll(key, 'filters', 20)} < 13 then 1
                 when ${roll(key, 'filters', 20)} < 17 then 2 when ${roll(key, 'filters', 20)} < 19 then 3 else 4 end)
      else 0 end)`,
  }
}

/** One chunk of users and the first id (minus one) of each table's rows for it. */
export type Chunk = { lo: number; hi: number; campaignBase: number; p2vBase: number; filterBase: number }

/** Cuts 1..users into chunks and counts, in one pass of rolls, the rows each will write. */
export async function planChunks(sql: Queryable, p: Predicates, users: number, chunkSize: number): Promise<Chunk[]> {
  const rows = await sql<{ i: number; campaigns: number; p2v: number; filters: number }[]>`
    select ((k - 1) / ${chunkSize}::int)::int as i,
      count(*) filter (where ${p.hasCampaign('k')})::int as campaigns,
      count(*) filter (where ${p.hasCampaign('k')} and ${p.hasPathToVictory('k')})::int as p2v,
      coalesce(sum(${p.filterCount('k')}) filter (where ${p.hasCampaign('k')}), 0)::int as filters
    from generate_series(1, ${users}::bigint) as k
    group by 1 order by 1`
  const chunks: Chunk[] = []
  let campaignBase = 0
  let p2vBase = 0
  let filterBase = 0
  for (const row of rows) {
    const lo = row.i * chunkSize + 1
    chunks.push({ lo, hi: Math.min(users, lo + chunkSize - 1), campaignBase, p2vBase, filterBase })
    campaignBase += row.campaigns
    p2vBase += row.p2v
    filterBase += row.filters
  }
  return chunks
}
