// Which campaign or office a phase 1 write acted on, decided as gp-api decides it: the caller's own
// campaign, or, with a `slug` in the body, that campaign only when it is the caller's or the caller
// is admin or sales (roles on the user row). A target the caller may not touch is never synced.
import type { TransactionSql } from '../db/index.js'

/**
 * What redoing a phase 1 organization write needs; durable in the outbox, so it holds ids only (the
 * slug only when the legacy answer named no campaign id), never the request body.
 */
export type Phase1Payload = { userId: number; campaignId?: number; officeId?: string; slug?: string }

export type ResolvedTargets = { campaignIds: number[]; officeIds: string[]; notes: string[] }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A campaign write: by slug, else by the id legacy answered with, else the caller's own campaign. */
export async function resolveCampaignTarget(tx: TransactionSql, p: Phase1Payload): Promise<ResolvedTargets> {
  const notes: string[] = []
  let row: { id: number; user_id: number } | undefined
  if (p.slug !== undefined) {
    ;[row] = await tx<{ id: number; user_id: number }[]>`SELECT id, user_id FROM campaign WHERE slug = ${p.slug}`
    if (row && p.campaignId !== undefined && row.id !== p.campaignId) notes.push(`slug names campaign ${row.id}, legacy answered ${p.campaignId}`)
  } else if (p.campaignId !== undefined) {
    ;[row] = await tx<{ id: number; user_id: number }[]>`SELECT id, user_id FROM campaign WHERE id = ${p.campaignId}`
  } else {
    ;[row] = await tx<{ id: number; user_id: number }[]>`SELECT id, user_id FROM campaign WHERE user_id = ${p.userId} ORDER BY id DESC LIMIT 1`
  }
  if (!row) return { campaignIds: [], officeIds: [], notes: [...notes, 'target campaign not found'] }
  if (row.user_id !== p.userId && !(await isStaff(tx, p.userId))) {
    return { campaignIds: [], officeIds: [], notes: [...notes, `campaign ${row.id} is not the caller's and the caller is not admin or sales`] }
  }
  return { campaignIds: [row.id], officeIds: [], notes }
}

/** "I won": the office legacy created (its id is in the answer), else the caller's newest active one. */
export async function resolveOfficeTarget(tx: TransactionSql, p: Phase1Payload): Promise<ResolvedTargets> {
  const [row] =
    p.officeId !== undefined
      ? await tx<{ id: string; user_id: number; campaign_id: number | null }[]>`
          SELECT id::text, user_id, campaign_id FROM elected_office WHERE id = ${p.officeId}::uuid`
      : await tx<{ id: string; user_id: number; campaign_id: number | null }[]>`
          SELECT e.id::text, e.user_id, e.campaign_id FROM elected_office e WHERE e.user_id = ${p.userId} AND e."isActive"
          ORDER BY e.created_at DESC, e.id DESC LIMIT 1`
  if (!row) return { campaignIds: [], officeIds: [], notes: ['elected office not found'] }
  if (row.user_id !== p.userId) return { campaignIds: [], officeIds: [], notes: [`office ${row.id} is not the caller's`] }
  // The campaign's own organization is brought up to date too: the office's mirrors it.
  return { campaignIds: row.campaign_id === null ? [] : [row.campaign_id], officeIds: [row.id], notes: [] }
}

async function isStaff(tx: TransactionSql, userId: number): Promise<boolean> {
  const [u] = await tx<{ staff: boolean }[]>`
    SELECT coalesce(roles && ARRAY['admin', 'sales']::text[], false) AS staff FROM "user" WHERE id = ${userId}`
  return u?.staff ?? false
}

/** A positive int4 id from a legacy answer's `id`, or undefined. */
export function campaignIdOf(json: unknown): number | undefined {
  const id = (json as { id?: unknown } | null)?.id
  return typeof id === 'number' && Number.isInteger(id) && id > 0 && id <= 2147483647 ? id : undefined
}

/** A UUID from a legacy answer's `id`, or undefined. */
export function officeIdOf(json: unknown): string | undefined {
  const id = (json as { id?: unknown } | null)?.id
  return typeof id === 'string' && UUID.test(id) ? id.toLowerCase() : undefined
}

/** The body's `slug` when it is a non-empty string (as gp-api's DTO accepts it). */
export function slugOf(body: unknown): string | undefined {
  const slug = (body as { slug?: unknown } | null)?.slug
  return typeof slug === 'string' && slug !== '' ? slug : undefined
}
