// The campaign and path_to_victory queries of the campaign routes; each takes `sql` or a transaction.
import { campaignColumns, jsonb, nowUtc, pathToVictoryColumn, type CampaignJson, type Db, type JsonObject, type PathToVictoryJson } from './db.js'

export type CampaignWithP2v = CampaignJson & { pathToVictory: PathToVictoryJson | null }

export type CampaignKey = { userId: number } | { slug: string } | { id: number }

/**
 * One campaign with its P2V (`include: { pathToVictory: true }`), or undefined. With `lock`, the
 * campaign row is locked first so that concurrent merges into it apply one after the other.
 * @example await findCampaign(tx, { slug }, { lock: true })
 */
export async function findCampaign(db: Db, key: CampaignKey, { lock = false } = {}): Promise<CampaignWithP2v | undefined> {
  let where =
    'userId' in key ? db`c.user_id = ${key.userId}` : 'slug' in key ? db`c.slug = ${key.slug}` : db`c.id = ${key.id}`
  if (lock) {
    // Locked in a statement of its own: a statement that waits for the lock re-reads the locked row
    // but not the joined P2V row, which would be the one from before the other writer committed.
    const [locked] = await db<{ id: number }[]>`SELECT c.id FROM campaign c WHERE ${where} FOR UPDATE`
    if (!locked) return undefined
    where = db`c.id = ${locked.id}`
  }
  const [row] = await db<CampaignWithP2v[]>`
    SELECT ${campaignColumns(db)}, ${pathToVictoryColumn(db)}
    FROM campaign c LEFT JOIN path_to_victory p ON p.campaign_id = c.id
    WHERE ${where}`
  return row
}

/** The user's name as the slug is made from it: `name`, else first + last, else the e-mail's local part. */
export async function findUserName(db: Db, userId: number): Promise<string> {
  const [u] = await db<{ name: string | null; firstName: string | null; lastName: string | null; email: string }[]>`
    SELECT name, "firstName", "lastName", email FROM "user" WHERE id = ${userId}`
  if (!u) return ''
  const full = [u.firstName, u.lastName].filter((s) => s && s.trim()).join(' ')
  return u.name?.trim() || full || u.email.split('@')[0] || ''
}

/** Slugs already taken by `base` or `base-<n>`, to pick the next free suffix. */
export async function takenSlugs(db: Db, base: string): Promise<Set<string>> {
  // The base holds only [a-z0-9-], so it has no LIKE wildcards to escape.
  const rows = await db<{ slug: string }[]>`
    SELECT slug FROM campaign WHERE slug = ${base} OR slug LIKE ${base + '-%'}`
  return new Set(rows.map((r) => r.slug))
}

/** Inserts the caller's campaign; answers the row as Prisma's `create` returns it (no relations). */
export async function insertCampaign(
  db: Db,
  row: { userId: number; slug: string; details: JsonObject; data: JsonObject },
): Promise<CampaignJson> {
  const [created] = await db<CampaignJson[]>`
    INSERT INTO campaign AS c (slug, user_id, details, data, created_at, updated_at)
    VALUES (${row.slug}, ${row.userId}, ${jsonb(db, row.details)}, ${jsonb(db, row.data)},
            ${nowUtc(db)}, ${nowUtc(db)})
    RETURNING ${campaignColumns(db)}`
  return created!
}

/**
 * Stores the merged `details` and `data` and bumps `updated_at`. An undefined one is left as stored,
 * not rewritten: a JS round trip would alter numbers JSON can't hold exactly (beyond 2^53).
 */
export async function updateCampaignJson(db: Db, id: number, details: JsonObject | undefined, data: JsonObject | undefined): Promise<void> {
  const json = (v: JsonObject | undefined) => (v === undefined ? null : jsonb(db, v))
  await db`
    UPDATE campaign SET
      details = COALESCE(${json(details)}::jsonb, details),
      data = COALESCE(${json(data)}::jsonb, data),
      updated_at = ${nowUtc(db)}
    WHERE id = ${id}`
}

/**
 * Writes the merged P2V `data`, creating the row when the campaign has none yet. Callers hold the
 * campaign's lock, so no other write of ours sits between their read and this upsert.
 */
export async function upsertP2vData(db: Db, campaignId: number, data: JsonObject): Promise<void> {
  await db`
    INSERT INTO path_to_victory (campaign_id, data, created_at, updated_at)
    VALUES (${campaignId}, ${jsonb(db, data)}, ${nowUtc(db)}, ${nowUtc(db)})
    ON CONFLICT (campaign_id) DO UPDATE SET data = EXCLUDED.data, updated_at = EXCLUDED.updated_at`
}
