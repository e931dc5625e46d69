// The one transaction of a new campaign: the key claimed, the caller's right checked, the `win`
// organization with its BallotReady fields, the campaign linked to it, and the answer stored with the
// key. Every write commits together or none does (a failure anywhere rolls the claim back too).
import type { Sql, TransactionSql } from '../db/index.js'
import { campaignColumns, nowUtc, type CampaignJson } from '../legacy/db.js'
import { findUserName, takenSlugs } from '../legacy/campaign-sql.js'
import { nextFreeSlug, slugify } from '../legacy/slug.js'
import { resolveOrganization } from '../org-context/index.js'
import { FIELD_LIST_SQL, FIELD_TYPES_SQL } from '../organizations/index.js'
import { summarize, type OrganizationSummary } from '../switcher/index.js'
import type { NewCampaignInput } from './body.js'
import { claimKey, storeAnswer, sweepExpired } from './idempotency.js'

/** The 201 body: the organization as GET /v1/organizations/:id shows it, and its campaign. */
export type NewCampaignAnswer = OrganizationSummary & { campaign: { id: number; slug: string } }

export type NewCampaignRequest = { userId: number; key: string; requestHash: string; input: NewCampaignInput }

export type NewCampaignOutcome =
  | { kind: 'created'; status: 201; body: string; organizationId: string }
  /** The key already holds an answer for this very request: send it again, byte for byte. */
  | { kind: 'replayed'; status: number; body: string; organizationId: string | null }
  /** The key already holds an answer for another request. */
  | { kind: 'key-reused' }
  /** The caller owns no `serve` organization: they never held an office. */
  | { kind: 'not-serving' }
  /** Another request with this key held it for longer than the key wait (KEY_WAIT_MS by default). */
  | { kind: 'key-busy' }

// How long a request waits for a concurrent one with the same key (or a slug another is inserting).
// Creation takes milliseconds; a holder past this is stuck, and the client is told to retry (409).
export const KEY_WAIT_MS = 5000
// Two creations can pick the same free slug (the same name, or one user's two keys at once); the one
// that loses the unique index retries the whole transaction with a fresh pick, as gp-api does.
const SLUG_ATTEMPTS = 5

class Rollback extends Error {
  constructor(readonly outcome: NewCampaignOutcome) {
    super(outcome.kind)
  }
}

/**
 * @example
 * const outcome = await createNewCampaign(sql, { userId: 7, key: 'a1', requestHash: requestHash(raw), input })
 * if (outcome.kind === 'created') return new Response(outcome.body, { status: 201 })
 */
export async function createNewCampaign(sql: Sql, req: NewCampaignRequest, { keyWaitMs = KEY_WAIT_MS } = {}): Promise<NewCampaignOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await sql.begin((tx) => createIn(tx, req, keyWaitMs))) as NewCampaignOutcome
    } catch (err) {
      if (err instanceof Rollback) return err.outcome
      const e = err as { code?: string; constraint_name?: string }
      if (e?.code === '55P03') return { kind: 'key-busy' }
      if (e?.code === '23505' && e.constraint_name === 'campaign_slug_key' && attempt < SLUG_ATTEMPTS) continue
      throw err
    }
  }
}

async function createIn(tx: TransactionSql, req: NewCampaignRequest, keyWaitMs: number): Promise<NewCampaignOutcome> {
  const { userId, key, requestHash, input } = req
  await tx`SELECT set_config('lock_timeout', ${`${Math.max(1, Math.round(keyWaitMs))}ms`}, true)`
  const claim = await claimKey(tx, userId, key, requestHash)
  if (!claim.claimed) {
    const s = claim.stored
    if (s.requestHash !== requestHash) return { kind: 'key-reused' }
    return { kind: 'replayed', status: s.status, body: s.body, organizationId: s.organizationId }
  }
  // "Serves or served": any serve organization, an active office's or a past term's. Thrown, so the
  // claim is rolled back and the key stays free for a request that may succeed.
  const [serving] = await tx<{ yes: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM organization WHERE owner_id = ${userId} AND kind = 'serve') AS yes`
  if (!serving?.yes) throw new Rollback({ kind: 'not-serving' })

  const organizationId = await insertOrganization(tx, userId, input)
  const campaign = await insertCampaign(tx, userId, organizationId, input)
  const answer: NewCampaignAnswer = { ...(await presentNew(tx, userId, organizationId)), campaign: { id: campaign.id, slug: campaign.slug } }
  const body = JSON.stringify(answer)
  await storeAnswer(tx, userId, key, { status: 201, body, organizationId })
  await sweepExpired(tx)
  return { kind: 'created', status: 201, body, organizationId }
}

/**
 * The new `win` organization: the caller owns it, the BR columns as the mapping cleaned them, no
 * district yet (L2 columns null until the district picker runs). `legacy_synced_at` is set to the
 * instant the campaign row gets as its updated_at (timestamp(3), read as UTC, rounded the same way),
 * so reconcile finds the pair in step and leaves the organization alone.
 */
async function insertOrganization(tx: TransactionSql, userId: number, input: NewCampaignInput): Promise<string> {
  const [org] = await tx<{ id: string }[]>`
    INSERT INTO organization (owner_id, kind, ${tx.unsafe(FIELD_LIST_SQL)}, legacy_synced_at, proxy_owned)
    SELECT ${userId}, 'win', ${tx.unsafe(FIELD_LIST_SQL)}, ((now() AT TIME ZONE 'UTC')::timestamp(3) AT TIME ZONE 'UTC'), true
    FROM jsonb_to_record(${tx.json(input.fields as never)}::jsonb) AS v(${tx.unsafe(FIELD_TYPES_SQL)})
    RETURNING id::text`
  return org!.id
}

/**
 * The campaign as gp-api's POST /v1/campaigns makes it (slug from the user's name, the next free
 * `-<n>`; `details` and `data` as given), linked to its organization. No path_to_victory row: gp-api
 * creates none with a campaign (its queue worker does, later).
 */
async function insertCampaign(tx: TransactionSql, userId: number, organizationId: string, input: NewCampaignInput): Promise<CampaignJson> {
  const base = slugify(await findUserName(tx, userId)) || 'campaign'
  const slug = nextFreeSlug(base, await takenSlugs(tx, base))
  const [created] = await tx<CampaignJson[]>`
    INSERT INTO campaign AS c (slug, user_id, details, data, organization_id, created_at, updated_at)
    VALUES (${slug}, ${userId}, ${tx.json(input.details as never)}, ${tx.json(input.data as never)}, ${organizationId}::uuid, ${nowUtc(tx)}, ${nowUtc(tx)})
    RETURNING ${campaignColumns(tx)}`
  return created!
}

/**
 * The organization read back as the switcher shows it (the resolver's owner-checked load, its default
 * marked the resolver's way), so the answer is what GET /v1/organizations/:id says right after.
 */
async function presentNew(tx: TransactionSql, userId: number, organizationId: string): Promise<OrganizationSummary> {
  const [created, fallback] = await Promise.all([
    resolveOrganization(tx, { userId, requested: organizationId, kinds: ['win'], fallback: false }),
    resolveOrganization(tx, { userId, kinds: ['win', 'serve'], fallback: true }),
  ])
  const o = created.organization
  if (!o) throw new Error(`new campaign: organization ${organizationId} not found right after its insert`)
  return summarize({ id: o.id, kind: o.kind, fields: o.fields, campaignId: o.campaignId, electedOfficeId: o.electedOfficeId, officeActive: o.officeActive, isDefault: fallback.organization?.id === o.id })
}
